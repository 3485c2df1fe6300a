package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WeightedAverageTest {

    @Test
    void shouldAverageBinaryProbabilitiesByWeight() {
        // weights {1, 3} -> renormalised {0.25, 0.75}
        // row 0: 0.25*0.2 + 0.75*0.6 = 0.05 + 0.45 = 0.5
        // row 1: 0.25*0.9 + 0.75*0.1 = 0.225 + 0.075 = 0.3
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {1, 3});
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.single(new float[] {0.2f, 0.9f}, new float[] {0.6f, 0.1f}), Matrices.all(2));

        assertThat(out.rows()).isEqualTo(2);
        assertThat(out.get(0, 0, 0)).isCloseTo(0.5f, within(1e-6f));
        assertThat(out.get(0, 0, 1)).isCloseTo(0.3f, within(1e-6f));
        assertThat(combiner.name()).isEqualTo("weighted-average");
        assertThat(combiner.space()).isEqualTo(ContributionSpace.VALUE);
    }

    @Test
    void shouldAverageMulticlassDistributionsByWeight() {
        // weights {2, 1, 1} -> {0.5, 0.25, 0.25}
        // class 0: 0.5*0.6 + 0.25*0.2 + 0.25*0.0 = 0.3 + 0.05 + 0     = 0.35
        // class 1: 0.5*0.3 + 0.25*0.2 + 0.25*0.5 = 0.15 + 0.05 + 0.125 = 0.325
        // class 2: 0.5*0.1 + 0.25*0.6 + 0.25*0.5 = 0.05 + 0.15 + 0.125 = 0.325
        var combiner = new WeightedAverage(Task.MULTICLASS, 3, new double[] {2, 1, 1});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.row(new float[] {0.6f, 0.3f, 0.1f}, new float[] {0.2f, 0.2f, 0.6f}, new float[] {0, 0.5f, 0.5f}),
                Matrices.all(3));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.35f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.325f, within(1e-6f));
        assertThat(out.get(0, 2, 0)).isCloseTo(0.325f, within(1e-6f));
    }

    @Test
    void shouldAverageRegressionValuesByWeight() {
        // weights {1, 1, 2} -> {0.25, 0.25, 0.5}: 0.25*10 + 0.25*20 + 0.5*40 = 2.5 + 5 + 20 = 27.5
        var combiner = new WeightedAverage(Task.REGRESSION, 1, new double[] {1, 1, 2});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.single(new float[] {10}, new float[] {20}, new float[] {40}), Matrices.all(3));

        assertThat(out.get(0, 0, 0)).isCloseTo(27.5f, within(1e-5f));
    }

    @Test
    void shouldRenormaliseWeightsWhenAMemberIsMissing() {
        // member 1 (weight 3) is absent: member 0 alone has weight 1/1 and its NaN-free score is the answer;
        // the absent member's entries are NaN and must not be read
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {1, 3, 1});
        ScoreMatrix scores = Matrices.single(new float[] {0.2f}, new float[] {Float.NaN}, new float[] {0.6f});
        ScoreMatrix out = Matrices.combine(combiner, scores, new boolean[] {true, false, true});

        // {1, 1} / 2: 0.5*0.2 + 0.5*0.6 = 0.4
        assertThat(out.get(0, 0, 0)).isCloseTo(0.4f, within(1e-6f));
    }

    @Test
    void shouldIgnorePresentMembersWithZeroWeight() {
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {0, 1});
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.single(new float[] {Float.NaN}, new float[] {0.7f}), Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.7f, within(1e-6f));
    }

    @Test
    void shouldAnswerNaNWhenOnlyZeroWeightMembersArePresent() {
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {0, 1});
        boolean[] present = {true, false};
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.single(new float[] {0.3f, 0.4f}, new float[] {0.7f, 0.8f}), present);

        assertThat(combiner.canAnswer(present)).isFalse();
        assertThat(out.get(0, 0, 0)).isNaN();
        assertThat(out.get(0, 0, 1)).isNaN();
    }

    @Test
    void shouldBuildASimpleAverageWithEqualWeights() {
        var combiner = WeightedAverage.simple(Task.MULTICLASS, 2, 2);
        ScoreMatrix out = Matrices.combine(
                combiner, Matrices.row(new float[] {0.9f, 0.1f}, new float[] {0.5f, 0.5f}), Matrices.all(2));

        // (0.9 + 0.5) / 2 = 0.7, (0.1 + 0.5) / 2 = 0.3
        assertThat(combiner.name()).isEqualTo("average");
        assertThat(combiner.weight(0)).isEqualTo(1.0);
        assertThat(out.get(0, 0, 0)).isCloseTo(0.7f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.3f, within(1e-6f));
    }

    @Test
    void shouldExplainAsWeightedScores() {
        // weights {1, 3} -> {0.25, 0.75}; contributions 0.25*0.2 = 0.05 and 0.75*0.6 = 0.45; base 0
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {1, 3});
        Explanation e = combiner.explain(
                Matrices.single(new float[] {0.2f}, new float[] {0.6f}), Matrices.all(2), null, 0, 0);

        assertThat(e.space()).isEqualTo(ContributionSpace.VALUE);
        assertThat(e.base()).isZero();
        assertThat(e.combinedInSpace()).isCloseTo(0.5, within(1e-6));
        assertThat(e.members().get(0).weight()).isEqualTo(0.25);
        assertThat(e.members().get(0).contribution()).isCloseTo(0.05, within(1e-6));
        assertThat(e.members().get(1).contribution()).isCloseTo(0.45, within(1e-6));
    }

    @Test
    void shouldRejectInvalidConstructorArguments() {
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 1, null)).hasMessageContaining("weights");
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 1, new double[0])).hasMessageContaining("weights");
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 1, new double[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 1, new double[] {1, Double.NaN}))
                .hasMessageContaining("weights[1]");
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 1, new double[] {0, 0}))
                .hasMessageContaining("weights");
        assertThatThrownBy(() -> new WeightedAverage(Task.BINARY, 2, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputs");
        assertThatThrownBy(() -> new WeightedAverage(Task.MULTICLASS, 1, new double[] {1}))
                .hasMessageContaining("outputs");
        assertThatThrownBy(() -> new WeightedAverage(null, 1, new double[] {1})).hasMessageContaining("task");
        assertThatThrownBy(() -> WeightedAverage.simple(Task.BINARY, 0, 1)).hasMessageContaining("members");
    }

    @Test
    void shouldRejectMatricesOfTheWrongShape() {
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {1, 1});
        ScoreMatrix scores = Matrices.single(new float[] {0.5f}, new float[] {0.5f});

        assertThatThrownBy(() -> combiner.combine(scores, new boolean[1], null, new ScoreMatrix(1, 1, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("present");
        assertThatThrownBy(() -> combiner.combine(
                        Matrices.single(new float[] {0.5f}), Matrices.all(1), null, new ScoreMatrix(1, 1, 4)))
                .hasMessageContaining("scores");
        assertThatThrownBy(() -> combiner.combine(scores, Matrices.all(2), null, new ScoreMatrix(2, 1, 4)))
                .hasMessageContaining("out");
        ScoreMatrix big = Matrices.single(new float[8], new float[8]);
        assertThatThrownBy(() -> combiner.combine(big, Matrices.all(2), null, new ScoreMatrix(1, 1, 4)))
                .hasMessageContaining("out capacity");
        assertThatThrownBy(() -> combiner.explain(scores, Matrices.all(2), null, 1, 0)).hasMessageContaining("row");
        assertThatThrownBy(() -> combiner.explain(scores, Matrices.all(2), null, 0, 1)).hasMessageContaining("output");
    }
}
