package dev.tutti.engine.manifest;

import static dev.tutti.engine.manifest.ManifestCopies.bundled;
import static dev.tutti.engine.manifest.ManifestCopies.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.Combiner;
import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.GeometricMean;
import dev.tutti.combine.LogitAverage;
import dev.tutti.combine.RankAverage;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Stacking;
import dev.tutti.combine.StackingModel;
import dev.tutti.combine.Task;
import dev.tutti.combine.Voting;
import dev.tutti.combine.WeightedAverage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every combiner type of the manifest format, built from a valid spec for the five-member binary
 * telco ensemble (members in order: mlp-onnx, mlp-torchscript, xgboost, lightgbm, logistic).
 */
class CombinerSpecTest {
    private static final List<String> MEMBERS = List.of("mlp-onnx", "mlp-torchscript", "xgboost", "lightgbm", "logistic");
    private static final boolean[] ALL_PRESENT = {true, true, true, true, true};

    @TempDir
    Path dir;

    private Combiner read(ObjectNode combinerSpec) throws ManifestException {
        ObjectNode manifest = bundled("telco-churn");
        manifest.set("combiner", combinerSpec);
        Combiner combiner = ManifestReader.read(write(dir, manifest)).combiner();
        assertThat(combiner.task()).isEqualTo(Task.BINARY);
        assertThat(combiner.members()).isEqualTo(5);
        assertThat(combiner.outputs()).isEqualTo(1);
        return combiner;
    }

    private static ObjectNode spec(String type) {
        return ManifestCopies.MAPPER.createObjectNode().put("type", type);
    }

    /** Weights given in reverse member order: logistic 5, lightgbm 4, ..., mlp-onnx 1. */
    private static ObjectNode withReversedWeights(ObjectNode spec) {
        ObjectNode weights = spec.putObject("weights");
        for (int m = MEMBERS.size() - 1; m >= 0; m--) {
            weights.put(MEMBERS.get(m), m + 1);
        }
        return spec;
    }

    /** Combines one row where member m scored {@code scores[m]}. */
    private static float combineOne(Combiner combiner, boolean[] present, FloatBuffer features, float... scores) {
        ScoreMatrix in = new ScoreMatrix(scores.length, 1, 1);
        in.rows(1);
        for (int m = 0; m < scores.length; m++) {
            in.set(m, 0, 0, scores[m]);
        }
        ScoreMatrix out = new ScoreMatrix(1, 1, 1);
        out.rows(1);
        combiner.combine(in, present, features == null ? null : new FeatureRows().wrap(features, 19), out);
        return out.get(0, 0, 0);
    }

    @Test
    void shouldKnowExactlyTheCombinerTypesBuiltHere() {
        assertThat(CombinerReader.TYPES).containsExactlyInAnyOrder("average", "weighted-average", "majority-vote",
                "weighted-vote", "rank-average", "geometric-mean", "logit-average", "stacking");
    }

    @Test
    void shouldBuildAnAverageWithEqualWeights() throws Exception {
        Combiner combiner = read(spec("average"));

        assertThat(combiner).isInstanceOf(WeightedAverage.class);
        assertThat(combiner.name()).isEqualTo("average");
        for (int m = 0; m < 5; m++) {
            assertThat(combiner.weight(m)).isEqualTo(1.0);
        }
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f)).isCloseTo(0.3f, within(1e-6f));
    }

    @Test
    void shouldAssignWeightsByMemberNameNotByTheirOrderInTheObject() throws Exception {
        Combiner combiner = read(withReversedWeights(spec("weighted-average")));

        assertThat(combiner).isInstanceOf(WeightedAverage.class);
        assertThat(combiner.name()).isEqualTo("weighted-average");
        assertThat(combiner.weight(0)).isEqualTo(1.0);
        assertThat(combiner.weight(4)).isEqualTo(5.0);
        // (0.1*1 + 0.2*2 + 0.3*3 + 0.4*4 + 0.5*5) / 15
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f))
                .isCloseTo(5.5f / 15, within(1e-6f));
    }

    @Test
    void shouldBuildAMajorityVoteWithTheDefaultThreshold() throws Exception {
        Combiner combiner = read(spec("majority-vote"));

        assertThat(combiner).isInstanceOf(Voting.class);
        assertThat(combiner.name()).isEqualTo("majority-vote");
        assertThat(((Voting) combiner).threshold()).isEqualTo(Voting.DEFAULT_THRESHOLD);
        // three of five members vote class 1 at p >= 0.5
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.9f, 0.6f, 0.5f, 0.4f, 0.1f)).isCloseTo(0.6f, within(1e-6f));
    }

    @Test
    void shouldBuildAMajorityVoteWithAnExplicitThreshold() throws Exception {
        Combiner combiner = read(spec("majority-vote").put("threshold", 0.8));

        assertThat(combiner.name()).isEqualTo("majority-vote");
        assertThat(((Voting) combiner).threshold()).isEqualTo(0.8);
        // only the member at 0.9 reaches 0.8: one vote of five
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.9f, 0.6f, 0.5f, 0.4f, 0.1f)).isCloseTo(0.2f, within(1e-6f));
    }

    @Test
    void shouldBuildAWeightedVoteWithItsThreshold() throws Exception {
        ObjectNode spec = spec("weighted-vote").put("threshold", 0.3);
        spec.putObject("weights")
                .put("mlp-onnx", 2)
                .put("mlp-torchscript", 1)
                .put("xgboost", 1)
                .put("lightgbm", 1)
                .put("logistic", 1);

        Combiner combiner = read(spec);

        assertThat(combiner).isInstanceOf(Voting.class);
        assertThat(combiner.name()).isEqualTo("weighted-vote");
        assertThat(((Voting) combiner).threshold()).isEqualTo(0.3);
        assertThat(combiner.weight(0)).isEqualTo(2.0);
        // only mlp-onnx (weight 2 of 6) reaches 0.3; with the default 0.5 nobody would
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.35f, 0.2f, 0.1f, 0.25f, 0.29f))
                .isCloseTo(2f / 6, within(1e-6f));
    }

    @Test
    void shouldBuildARankAverageFromTheReferenceQuantiles() throws Exception {
        Combiner combiner = read(spec("rank-average"));

        assertThat(combiner).isInstanceOf(RankAverage.class);
        assertThat(combiner.name()).isEqualTo("rank-average");
        assertThat(combiner.weight(2)).isEqualTo(1.0);
        // scores far above every member's reference distribution rank at the top
        assertThat(combineOne(combiner, ALL_PRESENT, null, 2f, 2f, 2f, 2f, 2f)).isEqualTo(1f);
    }

    @Test
    void shouldBuildAWeightedRankAverage() throws Exception {
        Combiner combiner = read(withReversedWeights(spec("rank-average")));

        assertThat(combiner).isInstanceOf(RankAverage.class);
        assertThat(combiner.weight(4)).isEqualTo(5.0);
    }

    @Test
    void shouldBuildAGeometricMean() throws Exception {
        Combiner combiner = read(spec("geometric-mean"));

        assertThat(combiner).isInstanceOf(GeometricMean.class);
        assertThat(combiner.name()).isEqualTo("geometric-mean");
        float p = combineOne(combiner, ALL_PRESENT, null, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f);
        assertThat(p).isCloseTo(0.7f, within(1e-5f));
    }

    @Test
    void shouldBuildALogitAverageWithWeights() throws Exception {
        Combiner combiner = read(withReversedWeights(spec("logit-average")));

        assertThat(combiner).isInstanceOf(LogitAverage.class);
        assertThat(combiner.name()).isEqualTo("logit-average");
        assertThat(combiner.weight(1)).isEqualTo(2.0);
        // logit 0 for every member: the average is 0.5 whatever the weights
        assertThat(combineOne(combiner, ALL_PRESENT, null, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void shouldBuildStackingWithFillAndPassThroughFeatures() throws Exception {
        ObjectNode spec = spec("stacking").put("meta", "logistic").put("input", "probability");
        spec.putArray("intercept").add(0.25);
        spec.putObject("coefficients")
                .put("logistic", 2.0)
                .put("lightgbm", 0.0)
                .put("xgboost", 0.0)
                .put("mlp-torchscript", 0.5)
                .put("mlp-onnx", 1.0);
        ObjectNode fill = spec.putObject("fill");
        fill.putArray("logistic").add(0.0);
        fill.putArray("lightgbm").add(0.0);
        fill.putArray("xgboost").add(0.0);
        fill.putArray("mlp-torchscript").add(0.0);
        fill.putArray("mlp-onnx").add(0.2);
        spec.putArray("passThrough").addObject().put("feature", "tenure").putArray("coef").add(0.01);

        Combiner combiner = read(spec);

        assertThat(combiner).isInstanceOf(Stacking.class);
        assertThat(combiner.name()).isEqualTo("stacking");
        StackingModel model = ((Stacking) combiner).model();
        assertThat(model.link()).isEqualTo(StackingModel.Link.LOGISTIC);
        assertThat(model.input()).isEqualTo(StackingModel.Input.PROBABILITY);
        assertThat(model.intercept()).containsExactly(0.25);
        assertThat(model.coefficients()).isDeepEqualTo(new double[][] {{1.0}, {0.5}, {0.0}, {0.0}, {2.0}});
        assertThat(model.fill()).containsExactly(0.2, 0.0, 0.0, 0.0, 0.0);
        assertThat(model.passThroughFeatures()).containsExactly(4);
        assertThat(model.passThroughCoefficients()).isDeepEqualTo(new double[][] {{0.01}});

        float[] row = new float[19];
        row[4] = 10f; // tenure
        boolean[] onnxAbsent = {false, true, true, true, true};
        // eta = 0.25 + 1.0 * fill 0.2 + 0.5 * 0.5 + 2.0 * 0.5 + 0.01 * 10 = 1.8
        assertThat(combineOne(combiner, onnxAbsent, FloatBuffer.wrap(row), 0.9f, 0.5f, 0.5f, 0.5f, 0.5f))
                .isCloseTo((float) (1 / (1 + Math.exp(-1.8))), within(1e-6f));
    }

    @Test
    void shouldDefaultStackingInputToLogitsForClassification() throws Exception {
        ObjectNode spec = spec("stacking").put("meta", "logistic");
        spec.putArray("intercept").add(0.0);
        ObjectNode coefficients = spec.putObject("coefficients");
        MEMBERS.forEach(m -> coefficients.put(m, 1.0));

        Combiner combiner = read(spec);

        StackingModel model = ((Stacking) combiner).model();
        assertThat(model.input()).isEqualTo(StackingModel.Input.LOGIT);
        assertThat(model.fill()).containsOnly(0.0).hasSize(5);
        assertThat(model.passThroughFeatures()).isEmpty();
    }
}
