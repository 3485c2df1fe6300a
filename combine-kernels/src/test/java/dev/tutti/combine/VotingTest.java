package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VotingTest {

    @Test
    void shouldCountBinaryMajorityVotes() {
        // p {0.7, 0.4, 0.5} at threshold 0.5 -> votes {1, 0, 1} (0.5 >= 0.5 votes 1) -> share 2/3
        // p {0.1, 0.4, 0.6} -> votes {0, 0, 1} -> 1/3
        var combiner = Voting.majority(Task.BINARY, 3, 1);
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.single(new float[] {0.7f, 0.1f}, new float[] {0.4f, 0.4f}, new float[] {0.5f, 0.6f}),
                Matrices.all(3));

        assertThat(combiner.name()).isEqualTo("majority-vote");
        assertThat(out.get(0, 0, 0)).isCloseTo(2f / 3, within(1e-6f));
        assertThat(out.get(0, 0, 1)).isCloseTo(1f / 3, within(1e-6f));
    }

    @Test
    void shouldWeighBinaryVotesWithACustomThreshold() {
        // weights {1, 2, 1} -> {0.25, 0.5, 0.25}; threshold 0.6
        // p {0.7, 0.5, 0.65} -> votes {1, 0, 1} -> 0.25 + 0.25 = 0.5
        var combiner = new Voting(Task.BINARY, 1, new double[] {1, 2, 1}, 0.6);
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.single(new float[] {0.7f}, new float[] {0.5f}, new float[] {0.65f}), Matrices.all(3));

        assertThat(combiner.name()).isEqualTo("weighted-vote");
        assertThat(combiner.threshold()).isEqualTo(0.6);
        assertThat(out.get(0, 0, 0)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldKeepTheNameAManifestWroteWhateverTheWeights() {
        assertThat(new Voting(Task.BINARY, 1, new double[] {2, 2, 2}).name()).isEqualTo("weighted-vote");
        assertThat(Voting.majority(Task.BINARY, 3, 1, 0.7).name()).isEqualTo("majority-vote");
        assertThat(Voting.majority(Task.BINARY, 3, 1, 0.7).threshold()).isEqualTo(0.7);
    }

    @Test
    void shouldShareMulticlassVotesByArgmaxWithTiesToTheLowestClass() {
        // weights {1, 1, 2} -> {0.25, 0.25, 0.5}
        // m0 {0.5, 0.3, 0.2} votes 0; m1 {0.3, 0.3, 0.4} votes 2; m2 {0.4, 0.4, 0.2} ties -> votes 0
        // shares: class 0 = 0.25 + 0.5 = 0.75, class 1 = 0, class 2 = 0.25
        var combiner = new Voting(Task.MULTICLASS, 3, new double[] {1, 1, 2});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.row(new float[] {0.5f, 0.3f, 0.2f}, new float[] {0.3f, 0.3f, 0.4f}, new float[] {0.4f, 0.4f, 0.2f}),
                Matrices.all(3));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.75f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isZero();
        assertThat(out.get(0, 2, 0)).isCloseTo(0.25f, within(1e-6f));
    }

    @Test
    void shouldRenormaliseWeightsWhenAMemberIsMissing() {
        // member 2 (weight 2) absent: weights {1, 1} -> {0.5, 0.5}; m0 votes 0, m1 votes 2 -> {0.5, 0, 0.5}
        var combiner = new Voting(Task.MULTICLASS, 3, new double[] {1, 1, 2});
        ScoreMatrix out = Matrices.combine(combiner,
                Matrices.row(new float[] {0.5f, 0.3f, 0.2f}, new float[] {0.3f, 0.3f, 0.4f},
                        new float[] {Float.NaN, Float.NaN, Float.NaN}),
                new boolean[] {true, true, false});

        assertThat(out.get(0, 0, 0)).isCloseTo(0.5f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isZero();
        assertThat(out.get(0, 2, 0)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldExplainBinaryVotesAgainstAnEvenSplit() {
        // equal weights 1/3, votes {1, 0, 1}; base 1/2
        // contributions: 1/3*1 - 1/3*1/2 = 1/6, 0 - 1/6 = -1/6, 1/6; base + sum = 1/2 + 1/6 = 2/3 = share
        var combiner = Voting.majority(Task.BINARY, 3, 1);
        Explanation e = combiner.explain(
                Matrices.single(new float[] {0.7f}, new float[] {0.4f}, new float[] {0.5f}), Matrices.all(3), null, 0, 0);

        assertThat(e.base()).isEqualTo(0.5);
        assertThat(e.combinedInSpace()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(e.members().get(0).contribution()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(e.members().get(1).contribution()).isCloseTo(-1.0 / 6, within(1e-12));
        assertThat(e.members().get(2).contribution()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(e.members().get(1).output()).isCloseTo(0.4, within(1e-6));
    }

    @Test
    void shouldExplainMulticlassVotesAgainstAUniformSplit() {
        // weights {0.25, 0.25, 0.5}, votes {0, 2, 0}, output 2, base 1/3
        // contributions: 0 - 0.25/3, 0.25 - 0.25/3, 0 - 0.5/3; sum = 0.25 - 1/3; base + sum = 0.25
        var combiner = new Voting(Task.MULTICLASS, 3, new double[] {1, 1, 2});
        Explanation e = combiner.explain(
                Matrices.row(new float[] {0.5f, 0.3f, 0.2f}, new float[] {0.3f, 0.3f, 0.4f}, new float[] {0.4f, 0.4f, 0.2f}),
                Matrices.all(3), null, 0, 2);

        assertThat(e.base()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(e.combinedInSpace()).isCloseTo(0.25, within(1e-12));
        assertThat(e.members().get(1).contribution()).isCloseTo(0.25 - 0.25 / 3, within(1e-12));
        assertThat(e.members().get(2).contribution()).isCloseTo(-0.5 / 3, within(1e-12));
    }

    @Test
    void shouldRejectRegressionAndBadThresholds() {
        assertThatThrownBy(() -> new Voting(Task.REGRESSION, 1, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REGRESSION");
        assertThatThrownBy(() -> Voting.majority(Task.REGRESSION, 2, 1)).hasMessageContaining("REGRESSION");
        assertThatThrownBy(() -> new Voting(Task.BINARY, 1, new double[] {1}, 1.5)).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new Voting(Task.BINARY, 1, new double[] {1}, Double.NaN))
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> new Voting(Task.BINARY, 1, new double[] {-1, 2})).hasMessageContaining("weights[0]");
        assertThatThrownBy(() -> new Voting(Task.MULTICLASS, 1, new double[] {1})).hasMessageContaining("outputs");
    }
}
