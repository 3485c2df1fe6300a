package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogitAverageTest {

    @Test
    void shouldAverageBinaryLogits() {
        // equal weights, p {0.8, 0.5}: logits ln 4 and 0 -> mean ln 2 -> sigmoid(ln 2) = 2/3
        var combiner = new LogitAverage(Task.BINARY, 1, new double[] {1, 1});
        ScoreMatrix scores = Matrices.single(new float[] {0.8f}, new float[] {0.5f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(2f / 3, within(1e-6f));
        assertThat(combiner.name()).isEqualTo("logit-average");
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.space()).isEqualTo(ContributionSpace.LOGIT);
        assertThat(e.combinedInSpace()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(e.members().get(0).contribution()).isCloseTo(0.5 * Math.log(4), within(1e-6));
    }

    @Test
    void shouldAverageOneVsRestLogitsAndNormalise() {
        // equal weights, m0 {0.8, 0.1, 0.1}, m1 {0.2, 0.4, 0.4}
        // class 0: 0.5 (logit 0.8 + logit 0.2) = 0.5 (ln 4 - ln 4) = 0 -> q0 = 0.5
        // class 1, 2: 0.5 (ln(1/9) + ln(2/3)) = 0.5 ln(2/27) -> odds sqrt(2/27) = 0.2721655 -> q = 0.2139388
        // sum q = 0.5 + 2 * 0.2139388 = 0.9278775 -> p = {0.5388642, 0.2305679, 0.2305679}
        var combiner = new LogitAverage(Task.MULTICLASS, 3, new double[] {1, 1});
        ScoreMatrix scores = Matrices.row(new float[] {0.8f, 0.1f, 0.1f}, new float[] {0.2f, 0.4f, 0.4f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.5388642f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.2305679f, within(1e-6f));
        assertThat(out.get(0, 2, 0)).isCloseTo(0.2305679f, within(1e-6f));

        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 1);
        assertThat(e.combinedInSpace()).isCloseTo(0.5 * Math.log(2.0 / 27), within(1e-6));
    }

    @Test
    void shouldRenormaliseWeightsWhenAMemberIsMissing() {
        // member 0 absent: member 1 alone, {0.2, 0.4, 0.4}: q = p, normalised by 1 -> itself
        var combiner = new LogitAverage(Task.MULTICLASS, 3, new double[] {1, 1});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.row(new float[] {Float.NaN, Float.NaN, Float.NaN}, new float[] {0.2f, 0.4f, 0.4f}),
                new boolean[] {false, true});

        assertThat(out.get(0, 0, 0)).isCloseTo(0.2f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.4f, within(1e-6f));
    }

    @Test
    void shouldRejectRegression() {
        assertThatThrownBy(() -> new LogitAverage(Task.REGRESSION, 1, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REGRESSION");
        assertThatThrownBy(() -> new LogitAverage(Task.BINARY, 1, new double[] {Double.POSITIVE_INFINITY}))
                .hasMessageContaining("weights[0]");
    }
}
