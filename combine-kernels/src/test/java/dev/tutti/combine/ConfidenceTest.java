package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfidenceTest {

    private static ScoreMatrix combined(float[]... rowsByOutput) {
        return Matrices.of(new float[][][] {rowsByOutput});
    }

    @Test
    void shouldPredictClasses() {
        int[] binary = new int[3];
        Confidence.predictedClass(Task.BINARY, combined(new float[] {0.5f, 0.49f, Float.NaN}), binary);
        assertThat(binary).containsExactly(1, 0, -1);

        // rows: {0.4, 0.4, 0.2} ties -> 0; {0.1, 0.3, 0.6} -> 2
        int[] multiclass = new int[2];
        Confidence.predictedClass(Task.MULTICLASS,
                combined(new float[] {0.4f, 0.1f}, new float[] {0.4f, 0.3f}, new float[] {0.2f, 0.6f}), multiclass);
        assertThat(multiclass).containsExactly(0, 2);

        int[] regression = {7};
        Confidence.predictedClass(Task.REGRESSION, combined(new float[] {3.5f}), regression);
        assertThat(regression).containsExactly(-1);
        assertThat(Confidence.predictedClass(Task.BINARY, combined(new float[] {0.2f, 0.8f}), 1)).isEqualTo(1);
    }

    @Test
    void shouldMeasureBinaryAgreementOnThePredictedClass() {
        // row 0: p {0.9, 0.7}, mean 0.8 -> class 1; q {0.9, 0.7}, std 0.1 -> 1 - 0.2 = 0.8
        // row 1: p {0.1, 0.3}, mean 0.2 -> class 0; q = 1 - p = {0.9, 0.7}, std 0.1 -> 0.8
        // row 2: p {0.6, 0.6}: identical -> 1
        var combiner = WeightedAverage.simple(Task.BINARY, 2, 1);
        ScoreMatrix scores = Matrices.single(new float[] {0.9f, 0.1f, 0.6f}, new float[] {0.7f, 0.3f, 0.6f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));
        float[] agreement = new float[3];
        Confidence.agreement(combiner, scores, Matrices.all(2), out, 1, agreement);

        assertThat(agreement[0]).isCloseTo(0.8f, within(1e-6f));
        assertThat(agreement[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(agreement[2]).isEqualTo(1f);
    }

    @Test
    void shouldWeighAgreementByTheCombinerWeights() {
        // weights {3, 1} -> {0.75, 0.25}, p {1, 0}: combined 0.75 -> class 1; q {1, 0}, mean 0.75
        // var = 0.75 * 0.25^2 + 0.25 * 0.75^2 = 0.046875 + 0.140625 = 0.1875; 1 - 2 sqrt(0.1875) = 0.1339746
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {3, 1});
        ScoreMatrix scores = Matrices.single(new float[] {1}, new float[] {0});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));
        float[] agreement = new float[1];
        Confidence.agreement(combiner, scores, Matrices.all(2), out, 1, agreement);

        assertThat(agreement[0]).isCloseTo(0.1339746f, within(1e-6f));
    }

    @Test
    void shouldMeasureMulticlassAgreementAndIgnoreMissingMembers() {
        // m0 {0.6, 0.3, 0.1}, m1 {0.4, 0.4, 0.2}, m2 absent: combined {0.5, 0.35, 0.15} -> class 0
        // q {0.6, 0.4}, std 0.1 -> 0.8
        var combiner = WeightedAverage.simple(Task.MULTICLASS, 3, 3);
        ScoreMatrix scores = Matrices.row(
                new float[] {0.6f, 0.3f, 0.1f}, new float[] {0.4f, 0.4f, 0.2f}, new float[] {Float.NaN, 0, 0});
        boolean[] present = {true, true, false};
        ScoreMatrix out = Matrices.combine(combiner, scores, present);
        float[] agreement = new float[1];
        Confidence.agreement(combiner, scores, present, out, 1, agreement);

        assertThat(agreement[0]).isCloseTo(0.8f, within(1e-6f));

        // one present member: 1
        boolean[] one = {false, true, false};
        Confidence.agreement(combiner, scores, one, Matrices.combine(combiner, scores, one), 1, agreement);
        assertThat(agreement[0]).isEqualTo(1f);
    }

    @Test
    void shouldScaleRegressionAgreementBySpread() {
        // values {10, 14}, equal weights: mean 12, std 2
        // spreadScale 4: 1 - 2/4 = 0.5; spreadScale 1: max(0, 1 - 2) = 0
        var combiner = WeightedAverage.simple(Task.REGRESSION, 2, 1);
        ScoreMatrix scores = Matrices.single(new float[] {10}, new float[] {14});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));
        float[] agreement = new float[1];

        Confidence.agreement(combiner, scores, Matrices.all(2), out, 4, agreement);
        assertThat(agreement[0]).isCloseTo(0.5f, within(1e-6f));
        Confidence.agreement(combiner, scores, Matrices.all(2), out, 1, agreement);
        assertThat(agreement[0]).isZero();
        assertThatThrownBy(() -> Confidence.agreement(combiner, scores, Matrices.all(2), out, 0, agreement))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spreadScale");
    }

    @Test
    void shouldAnswerNaNAgreementForAnUnansweredRow() {
        var combiner = WeightedAverage.simple(Task.BINARY, 2, 1);
        ScoreMatrix scores = Matrices.single(new float[] {0.3f}, new float[] {0.4f});
        boolean[] none = {false, false};
        float[] agreement = new float[1];
        Confidence.agreement(combiner, scores, none, Matrices.combine(combiner, scores, none), 1, agreement);

        assertThat(agreement[0]).isNaN();
    }

    @Test
    void shouldMeasureMargins() {
        float[] out = new float[2];
        // binary: |2*0.8 - 1| = 0.6, |2*0.3 - 1| = 0.4
        Confidence.margin(Task.BINARY, combined(new float[] {0.8f, 0.3f}), out);
        assertThat(out[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(out[1]).isCloseTo(0.4f, within(1e-6f));

        // multiclass: {0.5, 0.3, 0.2} -> 0.2; {0.2, 0.4, 0.4} -> 0
        Confidence.margin(Task.MULTICLASS,
                combined(new float[] {0.5f, 0.2f}, new float[] {0.3f, 0.4f}, new float[] {0.2f, 0.4f}), out);
        assertThat(out[0]).isCloseTo(0.2f, within(1e-6f));
        assertThat(out[1]).isZero();

        Confidence.margin(Task.REGRESSION, combined(new float[] {1, 2}), out);
        assertThat(out[0]).isNaN();
    }

    @Test
    void shouldMeasureNormalisedEntropy() {
        float[] out = new float[3];
        // binary: p 0.5 -> 1; p 1 -> 0 (0 ln 0 = 0); p 0 -> 0
        Confidence.entropy(Task.BINARY, combined(new float[] {0.5f, 1f, 0f}), out);
        assertThat(out).containsExactly(1f, 0f, 0f);

        // multiclass: uniform -> 1; {1, 0, 0} -> 0; {0.5, 0.5, 0} -> ln 2 / ln 3 = 0.6309298
        float third = 1f / 3;
        Confidence.entropy(Task.MULTICLASS, combined(
                new float[] {third, 1, 0.5f}, new float[] {third, 0, 0.5f}, new float[] {third, 0, 0}), out);
        assertThat(out[0]).isCloseTo(1f, within(1e-6f));
        assertThat(out[1]).isZero();
        assertThat(out[2]).isCloseTo(0.6309298f, within(1e-6f));

        Confidence.entropy(Task.REGRESSION, combined(new float[] {1, 2, 3}), out);
        assertThat(out[2]).isNaN();
    }

    @Test
    void shouldShareConsensusByWeight() {
        // weights {1, 1, 2} -> {0.25, 0.25, 0.5}; p {0.9, 0.2, 0.6} -> own classes {1, 0, 1}
        // consensus for class 1: 0.25 + 0.5 = 0.75; for class 0: 0.25
        var combiner = new WeightedAverage(Task.BINARY, 1, new double[] {1, 1, 2});
        ScoreMatrix scores = Matrices.single(new float[] {0.9f}, new float[] {0.2f}, new float[] {0.6f});

        assertThat(Confidence.consensus(combiner, scores, Matrices.all(3), 0, 1, 1)).isCloseTo(0.75, within(1e-12));
        assertThat(Confidence.consensus(combiner, scores, Matrices.all(3), 0, 0, 1)).isCloseTo(0.25, within(1e-12));
        // member 2 missing: weights {0.5, 0.5}: class 1 backed by member 0 only
        assertThat(Confidence.consensus(combiner, scores, new boolean[] {true, true, false}, 0, 1, 1))
                .isCloseTo(0.5, within(1e-12));
        assertThat(Confidence.consensus(combiner, scores, new boolean[3], 0, 1, 1)).isNaN();
    }

    @Test
    void shouldShareMulticlassConsensusAndFallBackToAgreementForRegression() {
        // own classes: m0 {0.6, 0.3, 0.1} -> 0, m1 {0.2, 0.5, 0.3} -> 1, m2 {0.5, 0.1, 0.4} -> 0: class 0 share 2/3
        var multiclass = WeightedAverage.simple(Task.MULTICLASS, 3, 3);
        ScoreMatrix scores = Matrices.row(
                new float[] {0.6f, 0.3f, 0.1f}, new float[] {0.2f, 0.5f, 0.3f}, new float[] {0.5f, 0.1f, 0.4f});
        assertThat(Confidence.consensus(multiclass, scores, Matrices.all(3), 0, 0, 1)).isCloseTo(2.0 / 3, within(1e-12));
        assertThatThrownBy(() -> Confidence.consensus(multiclass, scores, Matrices.all(3), 0, 3, 1))
                .hasMessageContaining("predictedClass");

        // regression {10, 14}: std 2, spreadScale 8 -> 0.75
        var regression = WeightedAverage.simple(Task.REGRESSION, 2, 1);
        ScoreMatrix values = Matrices.single(new float[] {10}, new float[] {14});
        assertThat(Confidence.consensus(regression, values, Matrices.all(2), 0, -1, 8)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void shouldRejectOutputArraysThatAreTooShort() {
        assertThatThrownBy(() -> Confidence.margin(Task.BINARY, combined(new float[] {0.1f, 0.2f}), new float[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out");
        assertThatThrownBy(() -> Confidence.predictedClass(Task.MULTICLASS, combined(new float[] {0.1f}), new int[1]))
                .hasMessageContaining("combined");
    }
}
