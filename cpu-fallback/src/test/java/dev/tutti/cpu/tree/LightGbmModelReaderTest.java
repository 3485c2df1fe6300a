package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.cpu.tree.model.TreeModelException;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.model.TreeEnsemble.Accumulation;
import dev.tutti.cpu.tree.model.TreeEnsemble.Link;
import dev.tutti.cpu.tree.lightgbm.LightGbmModelReader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LightGbmModelReaderTest {

    @Test
    void modelsMatchLightGbm335() throws Exception {
        check(TreeFixtures.LGB_BIN, TreeFixtures.LGB_BIN_RAW, 0, TreeFixtures.LGB_BIN_PREDICTIONS);
        check(TreeFixtures.LGB_MULTI, TreeFixtures.LGB_MULTI_RAW, 0, TreeFixtures.LGB_MULTI_PREDICTIONS);
        // PredictRaw does not average a random forest; Predict divides by the 3 iterations
        check(TreeFixtures.LGB_RF, TreeFixtures.LGB_RF_RAW, 3, TreeFixtures.LGB_RF_PREDICTIONS);
        check(TreeFixtures.LGB_ZERO, TreeFixtures.LGB_ZERO_RAW, 0, TreeFixtures.LGB_ZERO_PREDICTIONS);
        check(TreeFixtures.LGB_NONE, TreeFixtures.LGB_NONE_RAW, 0, TreeFixtures.LGB_NONE_PREDICTIONS);
    }

    /**
     * Raw scores must be bit-identical (same double sums in the same order), after the random-forest
     * division when {@code averagedOver > 0}; transformed outputs within exp rounding.
     */
    private static void check(String text, double[][] raw, int averagedOver, double[][] predictions)
            throws TreeModelException {
        TreeEnsemble model = LightGbmModelReader.read(text);
        assertThat(model.accumulation()).isEqualTo(Accumulation.FLOAT64);
        double[] out = new double[model.groups()];
        for (int r = 0; r < TreeFixtures.LGB_ROWS.length; r++) {
            float[] row = TreeFixtures.LGB_ROWS[r];
            model.margins(row, out);
            for (int g = 0; g < model.groups(); g++) {
                double expected = averagedOver > 0 ? raw[r][g] / averagedOver : raw[r][g];
                assertThat(out[g]).as("%s raw row %d %s", model, r, Arrays.toString(row)).isEqualTo(expected);
            }
            model.predict(row, out);
            for (int o = 0; o < model.outputs(); o++) {
                assertThat(out[o]).as("%s row %d %s", model, r, Arrays.toString(row)).isCloseTo(predictions[r][o], within(1e-15));
            }
        }
    }

    @Test
    void headerDecidesTaskAndLink() throws Exception {
        TreeEnsemble binary = LightGbmModelReader.read(TreeFixtures.LGB_BIN);
        assertThat(binary.task()).isEqualTo(Task.BINARY);
        assertThat(binary.link()).isEqualTo(Link.SIGMOID);
        TreeEnsemble multi = LightGbmModelReader.read(TreeFixtures.LGB_MULTI);
        assertThat(multi.task()).isEqualTo(Task.MULTICLASS);
        assertThat(multi.classes()).isEqualTo(3);
        assertThat(multi.treeGroup(4)).isEqualTo(1);
        TreeEnsemble forest = LightGbmModelReader.read(TreeFixtures.LGB_RF);
        assertThat(forest.task()).isEqualTo(Task.REGRESSION);
        assertThat(forest.description()).contains("average_output");
    }

    // ---- decision rules on hand-made one-split models: leaf -1 left, +1 right

    private static final String ONE_SPLIT = """
            tree
            version=v3
            num_class=1
            num_tree_per_iteration=1
            label_index=0
            max_feature_idx=1
            objective=regression

            Tree=0
            num_leaves=2
            num_cat=%d
            split_feature=0
            threshold=%s
            decision_type=%d
            left_child=-1
            right_child=-2
            leaf_value=-1 1
            %s
            shrinkage=1


            end of trees
            """;

    private static TreeEnsemble numeric(String threshold, int decisionType) throws TreeModelException {
        return LightGbmModelReader.read(ONE_SPLIT.formatted(0, threshold, decisionType, "is_linear=0"));
    }

    private static double predict(TreeEnsemble model, float x) {
        double[] out = new double[1];
        model.predict(new float[] {x, 0f}, out);
        return out[0];
    }

    @Test
    void numericDecisionFollowsTreeHNumericalDecision() throws Exception {
        // missing type None (0): NaN becomes 0.0 and is compared; the default-left bit is ignored
        TreeEnsemble none = numeric("0.5", 0);
        assertThat(predict(none, 0.5f)).as("x <= threshold goes left").isEqualTo(-1);
        assertThat(predict(none, Math.nextUp(0.5f))).isEqualTo(1);
        assertThat(predict(none, Float.NaN)).as("NaN as 0 <= 0.5").isEqualTo(-1);
        assertThat(predict(numeric("-0.5", 2), Float.NaN)).as("NaN as 0 > -0.5, default left ignored").isEqualTo(1);
        // missing type NaN (2 << 2): NaN takes the default direction
        assertThat(predict(numeric("0.5", 8), Float.NaN)).isEqualTo(1);
        assertThat(predict(numeric("0.5", 10), Float.NaN)).isEqualTo(-1);
        assertThat(predict(numeric("0.5", 8), 0f)).as("zero is a value").isEqualTo(-1);
        // missing type Zero (1 << 2): |x| <= 1e-35f and NaN take the default direction
        TreeEnsemble zero = numeric("0.5", 4);
        assertThat(predict(zero, 0f)).isEqualTo(1);
        assertThat(predict(zero, -0f)).isEqualTo(1);
        assertThat(predict(zero, 1e-36f)).isEqualTo(1);
        assertThat(predict(zero, Float.NaN)).isEqualTo(1);
        assertThat(predict(zero, 1e-30f)).isEqualTo(-1);
        assertThat(predict(numeric("0.5", 6), 0f)).isEqualTo(-1);
        // thresholds are doubles: a float input compares exactly against them
        double widened = 0.1f;
        assertThat(predict(numeric(Double.toString(widened), 0), 0.1f)).isEqualTo(-1);
        assertThat(predict(numeric(Double.toString(Math.nextDown(widened)), 0), 0.1f))
                .as("(double) 0.1f is one double above the threshold").isEqualTo(1);
        assertThat(predict(numeric("0.1", 0), 0.1f)).as("(double) 0.1f > 0.1").isEqualTo(1);
    }

    @Test
    void categoricalDecisionFollowsTreeHCategoricalDecision() throws Exception {
        // categories 0, 3 and 32 (bits 0 and 3 of word 0, bit 0 of word 1) go left
        TreeEnsemble model = LightGbmModelReader.read(ONE_SPLIT.formatted(1, "0", 1, "cat_boundaries=0 2\ncat_threshold=9 1"));
        assertThat(predict(model, 0f)).isEqualTo(-1);
        assertThat(predict(model, 3f)).isEqualTo(-1);
        assertThat(predict(model, 3.7f)).as("(int) 3.7 = 3").isEqualTo(-1);
        assertThat(predict(model, 32f)).isEqualTo(-1);
        assertThat(predict(model, 1f)).isEqualTo(1);
        assertThat(predict(model, 33f)).isEqualTo(1);
        assertThat(predict(model, 64f)).as("beyond the bitset").isEqualTo(1);
        assertThat(predict(model, 1e10f)).isEqualTo(1);
        assertThat(predict(model, Float.NaN)).as("NaN always goes right").isEqualTo(1);
        assertThat(predict(model, -1f)).as("negative goes right").isEqualTo(1);
        assertThat(predict(model, -0.5f)).as("(int) -0.5 = 0, which is in the set").isEqualTo(-1);
        TreeEnsemble nanDefaultLeft = LightGbmModelReader.read(ONE_SPLIT.formatted(1, "0", 11, "cat_boundaries=0 2\ncat_threshold=9 1"));
        assertThat(predict(nanDefaultLeft, Float.NaN)).as("NaN right even with default left and missing NaN").isEqualTo(1);
    }

    @Test
    void singleLeafTreesAndRandomForestAveraging() throws Exception {
        String text = """
                tree
                version=v3
                num_class=1
                num_tree_per_iteration=1
                label_index=0
                max_feature_idx=0
                objective=regression
                average_output

                Tree=0
                num_leaves=1
                num_cat=0
                leaf_value=3
                shrinkage=1


                Tree=1
                num_leaves=1
                num_cat=0
                leaf_value=4
                shrinkage=1


                end of trees

                feature_importances:

                parameters:
                [boosting: rf]
                end of parameters

                pandas_categorical:null
                """;
        TreeEnsemble model = LightGbmModelReader.read(text);
        double[] out = new double[1];
        model.predict(new float[] {Float.NaN}, out);
        assertThat(out[0]).isEqualTo(3.5);
    }

    @Test
    void malformedAndUnsupportedModelsAreRejected() {
        String good = TreeFixtures.LGB_BIN;
        assertRejected("", "empty");
        assertRejected("{\"learner\":{}}", "starts with 'tree'");
        assertRejected(good.replace("num_class=1\n", ""), "missing field num_class");
        assertRejected(good.replace("objective=binary sigmoid:0.8", "objective=poisson"), "objective 'poisson'");
        assertRejected(good.replace("objective=binary sigmoid:0.8", "objective=regression sqrt"), "sqrt");
        assertRejected(good.replace("objective=binary sigmoid:0.8\n", ""), "missing field objective");
        assertRejected(good.substring(0, good.indexOf("end of trees")), "end of trees");
        assertRejected(good.replace("Tree=1", "Tree=5"), "expected 'Tree=1'");
        assertRejected(good.replaceFirst("is_linear=0", "is_linear=1"), "Tree=0", "linear trees");
        assertRejected(good.replaceFirst("left_child=1 -1 -3", "left_child=1 -1"), "Tree=0: left_child has 2 values, expected 3");
        assertRejected(good.replaceFirst("left_child=1 -1 -3", "left_child=1 -1 -9"), "Tree=0 split 2: child -9 names leaf 8");
        assertRejected(good.replaceFirst("left_child=1 -1 -3", "left_child=1 -1 0"), "reached twice");
        assertRejected(good.replaceFirst("split_feature=0 1 2", "split_feature=0 1 3"), "split_feature 3");
        assertRejected(good.replaceFirst("decision_type=8 1 2", "decision_type=8 1 12"), "missing type 3");
        assertRejected(good.replaceFirst("leaf_value=0.10640205988878156", "leaf_value=abc"), "Tree=0: leaf_value value 0 'abc'");
        assertRejected(good.replaceFirst("cat_threshold=73", "cat_threshold=73 5"), "cat_threshold has 2 values, expected 1");
        assertRejected(good.replaceFirst("threshold=0.022506846655978456 0 ", "threshold=0.022506846655978456 4 "),
                "threshold 4.0 is not a category set index");
        assertRejected(good.replace("num_tree_per_iteration=1", "num_tree_per_iteration=2"), "num_tree_per_iteration");
    }

    private static void assertRejected(String text, String... fragments) {
        assertThatThrownBy(() -> LightGbmModelReader.read(text))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContainingAll(fragments);
    }
}
