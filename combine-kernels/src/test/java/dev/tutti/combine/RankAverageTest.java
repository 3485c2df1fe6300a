package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankAverageTest {

    // Q = 6 quantiles, so levels are i / 5; a flat run of 0.2 at indices 2..4
    private static final float[] GRID = {0f, 0.1f, 0.2f, 0.2f, 0.2f, 0.8f};

    @Test
    void shouldInterpolatePercentilesLinearlyBetweenQuantiles() {
        // 0.05 lies halfway between q[0] = 0 and q[1] = 0.1: (0 + 0.5) / 5 = 0.1
        assertThat(RankAverage.percentile(GRID, 0.05f)).isCloseTo(0.1, within(1e-6));
        // 0.5 lies between q[4] = 0.2 and q[5] = 0.8, at (0.5 - 0.2) / 0.6 = 0.5: (4 + 0.5) / 5 = 0.9
        assertThat(RankAverage.percentile(GRID, 0.5f)).isCloseTo(0.9, within(1e-6));
        // exactly q[1]: 1 / 5
        assertThat(RankAverage.percentile(GRID, 0.1f)).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void shouldClampPercentilesOutsideTheGrid() {
        assertThat(RankAverage.percentile(GRID, -1f)).isZero();
        assertThat(RankAverage.percentile(GRID, 0f)).isZero();
        assertThat(RankAverage.percentile(GRID, 0.8f)).isEqualTo(1.0);
        assertThat(RankAverage.percentile(GRID, 0.9f)).isEqualTo(1.0);
        assertThat(RankAverage.percentile(GRID, Float.NaN)).isNaN();
    }

    @Test
    void shouldTakeTheMidpointOfAFlatRun() {
        // 0.2 equals q[2..4]: (2 + 4) / 2 / 5 = 0.6
        assertThat(RankAverage.percentile(GRID, 0.2f)).isCloseTo(0.6, within(1e-12));
        // a flat run at the start: {0.3, 0.3, 0.5}, x = 0.3 equals q[0..1]: (0 + 1) / 2 / 2 = 0.25
        assertThat(RankAverage.percentile(new float[] {0.3f, 0.3f, 0.5f}, 0.3f)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void shouldAverageMemberPercentiles() {
        // member 0: grid {0, 0.5, 1} (levels i/2); p = 0.25 halfway between q[0] and q[1]: 0.5 / 2 = 0.25
        // member 1: grid {0.2, 0.4, 0.6, 0.8, 1.0} (levels i/4); p = 0.5 halfway between q[1] and q[2]: 1.5 / 4 = 0.375
        // equal weights: (0.25 + 0.375) / 2 = 0.3125
        var combiner = new RankAverage(new double[] {1, 1},
                new float[][] {{0f, 0.5f, 1f}, {0.2f, 0.4f, 0.6f, 0.8f, 1f}});
        ScoreMatrix scores = Matrices.single(new float[] {0.25f}, new float[] {0.5f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.3125f, within(1e-6f));
        assertThat(combiner.name()).isEqualTo("rank-average");
        assertThat(combiner.task()).isEqualTo(Task.BINARY);

        // explanation: base 0.5, contributions 0.5 * (0.25 - 0.5) = -0.125 and 0.5 * (0.375 - 0.5) = -0.0625
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.space()).isEqualTo(ContributionSpace.RANK);
        assertThat(e.base()).isEqualTo(0.5);
        assertThat(e.members().get(0).contribution()).isCloseTo(-0.125, within(1e-6));
        assertThat(e.members().get(1).contribution()).isCloseTo(-0.0625, within(1e-6));
        assertThat(e.combinedInSpace()).isCloseTo(0.3125, within(1e-6));
    }

    @Test
    void shouldRenormaliseWeightsWhenAMemberIsMissing() {
        // only member 1 present: its percentile 0.375 is the answer
        var combiner = new RankAverage(new double[] {1, 1},
                new float[][] {{0f, 0.5f, 1f}, {0.2f, 0.4f, 0.6f, 0.8f, 1f}});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.single(new float[] {Float.NaN}, new float[] {0.5f}), new boolean[] {false, true});

        assertThat(out.get(0, 0, 0)).isCloseTo(0.375f, within(1e-6f));
    }

    @Test
    void shouldRejectInvalidQuantiles() {
        double[] two = {1, 1};
        assertThatThrownBy(() -> new RankAverage(two, new float[][] {{0f, 1f}, {0.5f, 0.4f, 0.9f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantiles[1]")
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> new RankAverage(two, new float[][] {{0f, 1f}}))
                .hasMessageContaining("quantiles");
        assertThatThrownBy(() -> new RankAverage(two, new float[][] {{0f, 1f}, {0.5f}}))
                .hasMessageContaining("quantiles[1]");
        assertThatThrownBy(() -> new RankAverage(two, new float[][] {{0f, Float.NaN}, {0f, 1f}}))
                .hasMessageContaining("quantiles[0][1]");
        assertThatThrownBy(() -> new RankAverage(two, null)).hasMessageContaining("quantiles");
        assertThatThrownBy(() -> new RankAverage(new double[] {1, -2}, new float[][] {{0f, 1f}, {0f, 1f}}))
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> RankAverage.percentile(new float[] {1f}, 0.5f)).hasMessageContaining("quantiles");
    }
}
