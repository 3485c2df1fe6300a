package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GeometricMeanTest {

    @Test
    void shouldNormaliseTheBinaryGeometricMean() {
        // equal weights, p {0.8, 0.5}: sqrt(0.8*0.5) / (sqrt(0.8*0.5) + sqrt(0.2*0.5))
        //   = sqrt(0.4) / (sqrt(0.4) + sqrt(0.1)) = 2 / (2 + 1) = 2/3
        var combiner = new GeometricMean(Task.BINARY, 1, new double[] {1, 1});
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.single(new float[] {0.8f}, new float[] {0.5f}), Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(2f / 3, within(1e-6f));
        assertThat(combiner.name()).isEqualTo("geometric-mean");
        assertThat(combiner.space()).isEqualTo(ContributionSpace.LOGIT);
    }

    @Test
    void shouldWeighTheBinaryGeometricMean() {
        // weights {3, 1} -> {0.75, 0.25}, p {0.9, 0.1}: logits ln 9 and -ln 9
        // sum w logit = 0.75 ln 9 - 0.25 ln 9 = 0.5 ln 9 = ln 3 -> p = 3 / (3 + 1) = 0.75
        var combiner = new GeometricMean(Task.BINARY, 1, new double[] {3, 1});
        ScoreMatrix scores = Matrices.single(new float[] {0.9f}, new float[] {0.1f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.75f, within(1e-6f));
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.base()).isZero();
        assertThat(e.combinedInSpace()).isCloseTo(Math.log(3), within(1e-6));
        assertThat(e.members().get(0).contribution()).isCloseTo(0.75 * Math.log(9), within(1e-6));
    }

    @Test
    void shouldNormaliseTheMulticlassGeometricMean() {
        // equal weights, m0 {0.8, 0.1, 0.1}, m1 {0.2, 0.4, 0.4}
        // sqrt products: sqrt(0.16) = 0.4, sqrt(0.04) = 0.2, 0.2; sum 0.8 -> {0.5, 0.25, 0.25}
        var combiner = new GeometricMean(Task.MULTICLASS, 3, new double[] {1, 1});
        ScoreMatrix scores = Matrices.row(new float[] {0.8f, 0.1f, 0.1f}, new float[] {0.2f, 0.4f, 0.4f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.5f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.25f, within(1e-6f));
        assertThat(out.get(0, 2, 0)).isCloseTo(0.25f, within(1e-6f));

        // LOG space: class 0 = 0.5 ln 0.8 + 0.5 ln 0.2 = ln 0.4 (unnormalised)
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.space()).isEqualTo(ContributionSpace.LOG);
        assertThat(e.combinedInSpace()).isCloseTo(Math.log(0.4), within(1e-6));
        assertThat(e.members().get(1).contribution()).isCloseTo(0.5 * Math.log(0.2), within(1e-6));
    }

    @Test
    void shouldClampProbabilitiesBeforeLogs() {
        // p {0, 0.5}, equal weights: p = 0 is clamped to 1e-7, so no veto:
        // sqrt(1e-7 * 0.5) / (sqrt(1e-7 * 0.5) + sqrt((1 - 1e-7) * 0.5)) = sqrt(1e-7) / (sqrt(1e-7) + sqrt(1 - 1e-7))
        //   = 3.16128e-4
        var combiner = new GeometricMean(Task.BINARY, 1, new double[] {1, 1});
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.single(new float[] {0f, 0f}, new float[] {0.5f, 1f}), Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(3.161278e-4f, within(1e-9f));
        // {0, 1}: the clamped logits cancel exactly -> 0.5
        assertThat(out.get(0, 0, 1)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldEqualLogitAveragingForBinary() {
        Random random = new Random(7);
        double[] weights = {0.5, 2, 1.25};
        ScoreMatrix scores = Matrices.of(Matrices.random(random, Task.BINARY, 3, 1, 50));
        boolean[] present = Matrices.all(3);
        ScoreMatrix geometric = Matrices.combine(new GeometricMean(Task.BINARY, 1, weights), scores, present);
        ScoreMatrix logit = Matrices.combine(new LogitAverage(Task.BINARY, 1, weights), scores, present);

        for (int row = 0; row < scores.rows(); row++) {
            assertThat(geometric.get(0, 0, row)).isCloseTo(logit.get(0, 0, row), within(1e-6f));
        }
    }

    @Test
    void shouldRenormaliseWeightsWhenAMemberIsMissing() {
        // only member 0 present: its own (clamped) probability
        var combiner = new GeometricMean(Task.BINARY, 1, new double[] {1, 5});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.single(new float[] {0.3f}, new float[] {Float.NaN}), new boolean[] {true, false});

        assertThat(out.get(0, 0, 0)).isCloseTo(0.3f, within(1e-6f));
    }

    @Test
    void shouldRejectRegression() {
        assertThatThrownBy(() -> new GeometricMean(Task.REGRESSION, 1, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REGRESSION");
        assertThatThrownBy(() -> new GeometricMean(Task.BINARY, 1, new double[] {1, -0.5}))
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> new GeometricMean(Task.MULTICLASS, 0, new double[] {1})).hasMessageContaining("outputs");
    }
}
