package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.combine.StackingModel.Input;
import dev.tutti.combine.StackingModel.Link;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class StackingTest {
    private static final int[] NO_FEATURES = {};
    private static final double[][] NO_COEFFICIENTS = {};

    private static StackingModel binaryProbabilityModel() {
        // eta = -1 + 2 p0 + 1 p1; fill {0, 0.4}
        return new StackingModel(Link.LOGISTIC, Input.PROBABILITY, new double[] {-1}, new double[][] {{2}, {1}},
                NO_FEATURES, NO_COEFFICIENTS, new double[] {0, 0.4});
    }

    @Test
    void shouldApplyALogisticMetaModelToProbabilities() {
        // p {0.75, 0.25}: eta = -1 + 2*0.75 + 1*0.25 = 0.75 -> sigmoid(0.75) = 0.6791787
        var combiner = new Stacking(Task.BINARY, 1, binaryProbabilityModel());
        ScoreMatrix scores = Matrices.single(new float[] {0.75f}, new float[] {0.25f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.6791787f, within(1e-6f));
        assertThat(combiner.name()).isEqualTo("stacking");
        assertThat(combiner.space()).isEqualTo(ContributionSpace.LOGIT);
        assertThat(combiner.weight(0)).isEqualTo(1.0);

        // base = intercept -1; contributions 2*0.75 = 1.5 and 1*0.25 = 0.25; eta 0.75
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.base()).isEqualTo(-1.0);
        assertThat(e.members().get(0).contribution()).isCloseTo(1.5, within(1e-9));
        assertThat(e.members().get(0).weight()).isEqualTo(2.0);
        assertThat(e.combinedInSpace()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void shouldApplyALogisticMetaModelToLogits() {
        // eta = 0.5 + 1*logit(0.8) + 0.5*logit(0.5) = 0.5 + ln 4 + 0 = 1.8862944 -> sigmoid = 0.8683324
        var model = new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[] {0.5}, new double[][] {{1}, {0.5}},
                NO_FEATURES, NO_COEFFICIENTS, new double[] {0, 0});
        ScoreMatrix out = Matrices.combine(new Stacking(Task.BINARY, 1, model),
                Matrices.single(new float[] {0.8f}, new float[] {0.5f}), Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.8683324f, within(1e-6f));
    }

    @Test
    void shouldImputeAMissingMemberWithItsFill() {
        // member 1 absent: its input is fill[1] = 0.4: eta = -1 + 2*0.75 + 1*0.4 = 0.9 -> sigmoid = 0.7109495
        var combiner = new Stacking(Task.BINARY, 1, binaryProbabilityModel());
        boolean[] present = {true, false};
        ScoreMatrix scores = Matrices.single(new float[] {0.75f}, new float[] {Float.NaN});
        ScoreMatrix out = Matrices.combine(combiner, scores, present);

        assertThat(combiner.canAnswer(present)).isTrue();
        assertThat(out.get(0, 0, 0)).isCloseTo(0.7109495f, within(1e-6f));

        // the absent member is reported with its fill term 1 * 0.4
        MemberContribution absent = combiner.explain(scores, present, null, 0, 0).members().get(1);
        assertThat(absent.present()).isFalse();
        assertThat(absent.output()).isNaN();
        assertThat(absent.contribution()).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void shouldAnswerNaNWhenNoMemberIsPresent() {
        var combiner = new Stacking(Task.BINARY, 1, binaryProbabilityModel());
        boolean[] none = {false, false};
        ScoreMatrix out = Matrices.combine(combiner, Matrices.single(new float[] {0.1f}, new float[] {0.1f}), none);

        assertThat(combiner.canAnswer(none)).isFalse();
        assertThat(out.get(0, 0, 0)).isNaN();
    }

    @Test
    void shouldApplySoftmaxToMulticlassLinearPredictors() {
        // K = 3. member 0: identity plus class 1 feeding output 0 ([0*3 + 1] = 1); member 1: only [2*3 + 2] = 2
        // m0 {0.5, 0.3, 0.2}, m1 {0.1, 0.1, 0.8}, intercepts 0:
        // eta0 = 0.5 + 0.3 = 0.8; eta1 = 0.3; eta2 = 0.2 + 2*0.8 = 1.8
        // softmax: e^0.8 = 2.2255409, e^0.3 = 1.3498588, e^1.8 = 6.0496475; sum 9.6250472
        //   -> {0.2312239, 0.1402444, 0.6285317}
        double[] m0 = {1, 1, 0, 0, 1, 0, 0, 0, 1};
        double[] m1 = {0, 0, 0, 0, 0, 0, 0, 0, 2};
        var model = new StackingModel(Link.SOFTMAX, Input.PROBABILITY, new double[3], new double[][] {m0, m1},
                NO_FEATURES, NO_COEFFICIENTS, new double[6]);
        var combiner = new Stacking(Task.MULTICLASS, 3, model);
        ScoreMatrix scores = Matrices.row(new float[] {0.5f, 0.3f, 0.2f}, new float[] {0.1f, 0.1f, 0.8f});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2));

        assertThat(out.get(0, 0, 0)).isCloseTo(0.2312239f, within(1e-6f));
        assertThat(out.get(0, 1, 0)).isCloseTo(0.1402444f, within(1e-6f));
        assertThat(out.get(0, 2, 0)).isCloseTo(0.6285317f, within(1e-6f));

        // LOG space, eta before softmax: output 0 = 0 + 0.8 (member 0) + 0 (member 1)
        Explanation e = combiner.explain(scores, Matrices.all(2), null, 0, 0);
        assertThat(e.space()).isEqualTo(ContributionSpace.LOG);
        assertThat(e.combinedInSpace()).isCloseTo(0.8, within(1e-6));
        assertThat(e.members().get(0).contribution()).isCloseTo(0.8, within(1e-6));
        assertThat(e.members().get(0).weight()).isEqualTo(1.0); // own-class coefficient [0*3 + 0]
    }

    @Test
    void shouldAddPassThroughFeaturesAndSkipNaNFeatures() {
        // regression, eta = 1 + 0.5 v0 + 0.25 v1 + 2 f[2] - 1 f[0]
        // row 0: v {10, 20}, f {3, 9, 0.5}: 1 + 5 + 5 + 1 - 3 = 9
        // row 1: v {0, 4},   f {NaN, 9, 1}: 1 + 0 + 1 + 2 + 0 (NaN feature contributes 0) = 4
        var model = new StackingModel(Link.IDENTITY, Input.PROBABILITY, new double[] {1},
                new double[][] {{0.5}, {0.25}}, new int[] {2, 0}, new double[][] {{2}, {-1}}, new double[] {0, 0});
        var combiner = new Stacking(Task.REGRESSION, 1, model);
        FeatureRows features = new FeatureRows()
                .wrap(FloatBuffer.wrap(new float[] {3, 9, 0.5f, Float.NaN, 9, 1}), 3);
        ScoreMatrix scores = Matrices.single(new float[] {10, 0}, new float[] {20, 4});
        ScoreMatrix out = Matrices.combine(combiner, scores, Matrices.all(2), features);

        assertThat(out.get(0, 0, 0)).isCloseTo(9f, within(1e-5f));
        assertThat(out.get(0, 0, 1)).isCloseTo(4f, within(1e-5f));

        // base = intercept + pass-through terms: row 0: 1 + 1 - 3 = -1
        Explanation e = combiner.explain(scores, Matrices.all(2), features, 0, 0);
        assertThat(e.space()).isEqualTo(ContributionSpace.VALUE);
        assertThat(e.base()).isCloseTo(-1, within(1e-9));
        assertThat(e.combinedInSpace()).isCloseTo(9, within(1e-9));

        assertThatThrownBy(() -> Matrices.combine(combiner, scores, Matrices.all(2), null))
                .hasMessageContaining("features");
        FeatureRows narrow = new FeatureRows().wrap(FloatBuffer.wrap(new float[4]), 2);
        assertThatThrownBy(() -> Matrices.combine(combiner, scores, Matrices.all(2), narrow))
                .hasMessageContaining("width");
    }

    @Test
    void shouldRejectModelsThatDoNotFitTheTask() {
        assertThatThrownBy(() -> new Stacking(Task.MULTICLASS, 3, binaryProbabilityModel()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.link");
        assertThatThrownBy(() -> new Stacking(Task.BINARY, 1, null)).hasMessageContaining("model");
        var multiclass = new StackingModel(Link.SOFTMAX, Input.LOGIT, new double[2], new double[][] {new double[4]},
                NO_FEATURES, NO_COEFFICIENTS, new double[2]);
        assertThatThrownBy(() -> new Stacking(Task.MULTICLASS, 3, multiclass)).hasMessageContaining("outputs");
    }

    @Test
    void shouldRejectMalformedModels() {
        double[][] one = {{1}};
        assertThatThrownBy(() -> new StackingModel(null, Input.LOGIT, new double[1], one, NO_FEATURES, NO_COEFFICIENTS,
                        new double[1]))
                .hasMessageContaining("link");
        assertThatThrownBy(() -> new StackingModel(Link.IDENTITY, Input.LOGIT, new double[1], one, NO_FEATURES,
                        NO_COEFFICIENTS, new double[1]))
                .hasMessageContaining("input");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[2], one, NO_FEATURES,
                        NO_COEFFICIENTS, new double[1]))
                .hasMessageContaining("intercept");
        assertThatThrownBy(() -> new StackingModel(Link.SOFTMAX, Input.LOGIT, new double[3],
                        new double[][] {new double[3]}, NO_FEATURES, NO_COEFFICIENTS, new double[3]))
                .hasMessageContaining("coefficients[0]");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[1], new double[][] {{1}, {Double.NaN}},
                        NO_FEATURES, NO_COEFFICIENTS, new double[2]))
                .hasMessageContaining("coefficients[1]");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[1], one, NO_FEATURES,
                        NO_COEFFICIENTS, new double[2]))
                .hasMessageContaining("fill");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[1], one, new int[] {0},
                        NO_COEFFICIENTS, new double[1]))
                .hasMessageContaining("passThroughCoefficients");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[1], one, new int[] {-1},
                        new double[][] {{1}}, new double[1]))
                .hasMessageContaining("passThroughFeatures[0]");
        assertThatThrownBy(() -> new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[1], new double[0][],
                        NO_FEATURES, NO_COEFFICIENTS, new double[0]))
                .hasMessageContaining("coefficients");
    }

    @Test
    void shouldCopyTheModelArrays() {
        double[] intercept = {0.5};
        double[][] coefficients = {{1}};
        var model = new StackingModel(Link.LOGISTIC, Input.LOGIT, intercept, coefficients, NO_FEATURES, NO_COEFFICIENTS,
                new double[1]);
        intercept[0] = 99;
        coefficients[0][0] = 99;
        model.coefficients()[0][0] = 42;

        assertThat(model.intercept()).containsExactly(0.5);
        assertThat(model.coefficients()[0]).containsExactly(1.0);
        assertThat(model).isEqualTo(new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[] {0.5},
                new double[][] {{1}}, NO_FEATURES, NO_COEFFICIENTS, new double[1]));
        assertThat(model.members()).isEqualTo(1);
        assertThat(model.outputs()).isEqualTo(1);
    }
}
