package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.cpu.tree.model.TreeModelException;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.model.TreeEnsemble.Accumulation;
import dev.tutti.cpu.tree.model.TreeEnsemble.Link;
import dev.tutti.cpu.tree.xgboost.XGBoostModelReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XGBoostModelReaderTest {

    static TreeEnsemble json(String text) throws TreeModelException {
        return XGBoostModelReader.readJson(text.getBytes(StandardCharsets.UTF_8));
    }

    static TreeEnsemble ubj(String base64) throws TreeModelException {
        return XGBoostModelReader.readUbj(Base64.getDecoder().decode(base64));
    }

    @Test
    void binaryCategoricalModelMatchesXGBoostBitForBit() throws Exception {
        for (TreeEnsemble model : new TreeEnsemble[] {json(TreeFixtures.XGB_BINARY_JSON), ubj(TreeFixtures.XGB_BINARY_UBJ_BASE64)}) {
            assertThat(model.task()).isEqualTo(Task.BINARY);
            assertThat(model.link()).isEqualTo(Link.SIGMOID);
            assertThat(model.accumulation()).isEqualTo(Accumulation.FLOAT32);
            assertThat(model.treeCount()).isEqualTo(3);
            assertThat(model.splitsCategorically(1)).isTrue();
            assertThat(model.splitsCategorically(0)).isFalse();
            assertMatches(model, TreeFixtures.XGB_BINARY_MARGINS, TreeFixtures.XGB_BINARY_PREDICTIONS);
        }
    }

    @Test
    void multiclassModelMatchesXGBoost() throws Exception {
        for (TreeEnsemble model : new TreeEnsemble[] {json(TreeFixtures.XGB_MULTI_JSON), ubj(TreeFixtures.XGB_MULTI_UBJ_BASE64)}) {
            assertThat(model.task()).isEqualTo(Task.MULTICLASS);
            assertThat(model.classes()).isEqualTo(3);
            assertThat(model.outputs()).isEqualTo(3);
            // XGBoost 1.7 starts every class margin at base_score (0.5)
            assertThat(model.baseMargin(2)).isEqualTo(0.5);
            assertMatches(model, TreeFixtures.XGB_MULTI_MARGINS, TreeFixtures.XGB_MULTI_PREDICTIONS);
        }
    }

    @Test
    void regressionModelMatchesXGBoostBitForBit() throws Exception {
        for (TreeEnsemble model : new TreeEnsemble[] {json(TreeFixtures.XGB_REG_JSON), ubj(TreeFixtures.XGB_REG_UBJ_BASE64)}) {
            assertThat(model.task()).isEqualTo(Task.REGRESSION);
            assertThat(model.link()).isEqualTo(Link.IDENTITY);
            assertMatches(model, TreeFixtures.XGB_REG_MARGINS, TreeFixtures.XGB_REG_PREDICTIONS);
        }
    }

    /** Margins must be bit-identical (same float32 sums); probabilities within expf-vs-exp rounding. */
    private static void assertMatches(TreeEnsemble model, float[][] margins, float[][] predictions) {
        double[] out = new double[model.groups()];
        for (int r = 0; r < TreeFixtures.XGB_ROWS.length; r++) {
            float[] row = TreeFixtures.XGB_ROWS[r];
            model.margins(row, out);
            for (int g = 0; g < model.groups(); g++) {
                assertThat((float) out[g]).as("margin row %d %s group %d", r, Arrays.toString(row), g).isEqualTo(margins[r][g]);
            }
            model.predict(row, out);
            for (int o = 0; o < model.outputs(); o++) {
                assertThat(out[o]).as("prediction row %d %s output %d", r, Arrays.toString(row), o)
                        .isCloseTo(predictions[r][o], within(1e-7));
            }
        }
    }

    @Test
    void jsonAndUbjOfTheSameModelGiveIdenticalOutputs() throws Exception {
        String[][] pairs = {
            {TreeFixtures.XGB_BINARY_JSON, TreeFixtures.XGB_BINARY_UBJ_BASE64},
            {TreeFixtures.XGB_MULTI_JSON, TreeFixtures.XGB_MULTI_UBJ_BASE64},
            {TreeFixtures.XGB_REG_JSON, TreeFixtures.XGB_REG_UBJ_BASE64}
        };
        Random random = new Random(42);
        for (String[] pair : pairs) {
            TreeEnsemble fromJson = json(pair[0]);
            TreeEnsemble fromUbj = ubj(pair[1]);
            assertThat(fromUbj.nodeCount()).isEqualTo(fromJson.nodeCount());
            assertThat(fromUbj.leafCount()).isEqualTo(fromJson.leafCount());
            double[] a = new double[fromJson.groups()];
            double[] b = new double[fromJson.groups()];
            for (int i = 0; i < 5000; i++) {
                float[] row = {
                    random.nextInt(8) == 0 ? Float.NaN : (float) random.nextGaussian(),
                    random.nextInt(8) == 0 ? Float.NaN : random.nextInt(45) - 2,
                    random.nextInt(8) == 0 ? Float.NaN : (float) (random.nextGaussian() * 100)
                };
                fromJson.predict(row, a);
                fromUbj.predict(row, b);
                assertThat(b).as("row %s", Arrays.toString(row)).containsExactly(a);
            }
        }
    }

    @Test
    void bracketedBaseScoreOfXGBoost2IsAccepted() throws Exception {
        String json = TreeFixtures.XGB_BINARY_JSON;
        assertThat(json).contains("\"base_score\":\"5E-1\"");
        TreeEnsemble plain = json(json);
        TreeEnsemble bracketed = json(json.replace("\"base_score\":\"5E-1\"", "\"base_score\":\"[5E-1]\""));
        double[] a = new double[1];
        double[] b = new double[1];
        for (float[] row : TreeFixtures.XGB_ROWS) {
            plain.predict(row, a);
            bracketed.predict(row, b);
            assertThat(b[0]).isEqualTo(a[0]);
        }
        TreeEnsemble shifted = json(json.replace("\"base_score\":\"5E-1\"", "\"base_score\":\"[2E-1]\""));
        // logit(0.2) in float32, as LogisticRegression::ProbToMargin computes it
        assertThat(shifted.baseMargin(0)).isEqualTo((double) -(float) Math.log(1.0f / 0.2f - 1.0f));
    }

    // ---- categorical routing, on a hand-made one-split model: margin 0.5 + (-1 left | +1 right)

    private static String oneCategoricalSplit(String categories, int defaultLeft) {
        int size = categories.isEmpty() ? 0 : categories.split(",").length;
        return """
                {"learner":{"learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"2"},
                 "objective":{"name":"reg:squarederror"},
                 "gradient_booster":{"name":"gbtree","model":{"tree_info":[0],"trees":[{
                   "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[1,0,0],
                   "split_conditions":[NaN,-1.0,1.0],"default_left":[%d,0,0],"split_type":[1,0,0],
                   "categories":[%s],"categories_nodes":[0],"categories_segments":[0],"categories_sizes":[%d]}]}}},
                 "version":[1,7,4]}
                """.formatted(defaultLeft, categories, size);
    }

    private static double predict(TreeEnsemble model, float code) {
        double[] out = new double[1];
        model.predict(new float[] {0f, code}, out);
        return out[0];
    }

    @Test
    void categoricalSplitsRouteListedCategoriesRightAndInvalidOnesLeft() throws Exception {
        TreeEnsemble model = json(oneCategoricalSplit("0,3", 0));
        double left = -0.5;
        double right = 1.5;
        assertThat(predict(model, Float.NaN)).as("NaN takes default_left=0").isEqualTo(right);
        assertThat(predict(model, 0f)).isEqualTo(right);
        assertThat(predict(model, -0.0f)).as("-0.0 is category 0").isEqualTo(right);
        assertThat(predict(model, 0.5f)).as("0.5 truncates to category 0").isEqualTo(right);
        assertThat(predict(model, 3f)).isEqualTo(right);
        assertThat(predict(model, 3.9f)).isEqualTo(right);
        assertThat(predict(model, 1f)).isEqualTo(left);
        assertThat(predict(model, 2f)).isEqualTo(left);
        assertThat(predict(model, -0.5f)).as("any negative value is invalid: left").isEqualTo(left);
        assertThat(predict(model, -1f)).isEqualTo(left);
        assertThat(predict(model, 31f)).isEqualTo(left);
        assertThat(predict(model, 32f)).as("beyond the bitset").isEqualTo(left);
        assertThat(predict(model, 1e7f)).isEqualTo(left);
        assertThat(predict(model, 16777216f)).isEqualTo(left);
        assertThat(predict(model, 3e9f)).isEqualTo(left);

        TreeEnsemble defaultLeft = json(oneCategoricalSplit("0,3", 1));
        assertThat(predict(defaultLeft, Float.NaN)).isEqualTo(left);
        assertThat(predict(defaultLeft, -1f)).as("invalid goes left whatever the default").isEqualTo(left);
        assertThat(predict(defaultLeft, 3f)).isEqualTo(right);

        TreeEnsemble high = json(oneCategoricalSplit("40,1000", 0));
        assertThat(predict(high, 40f)).isEqualTo(right);
        assertThat(predict(high, 1000f)).isEqualTo(right);
        assertThat(predict(high, 999f)).isEqualTo(left);
        assertThat(predict(high, 0f)).isEqualTo(left);
    }

    @Test
    void numericSplitsAreStrictlyLessThanInFloat32AndNaNTakesTheDefault() throws Exception {
        String model = """
                {"learner":{"learner_model_param":{"base_score":"0E0","num_class":"0","num_feature":"1"},
                 "objective":{"name":"reg:squarederror"},
                 "gradient_booster":{"name":"gbtree","model":{"tree_info":[0,0],"trees":[
                  {"left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
                   "split_conditions":[0.1,1.0,2.0],"default_left":[true,false,false]},
                  {"left_children":[-1],"right_children":[-1],"split_indices":[0],
                   "split_conditions":[0.25],"default_left":[0]}]}}}}
                """;
        TreeEnsemble e = json(model);
        double[] out = new double[1];
        e.predict(new float[] {0.1f}, out);
        assertThat(out[0]).as("0.1f is not < 0.1f").isEqualTo(2.25);
        e.predict(new float[] {Math.nextDown(0.1f)}, out);
        assertThat(out[0]).isEqualTo(1.25);
        e.predict(new float[] {Float.NaN}, out);
        assertThat(out[0]).as("boolean default_left true").isEqualTo(1.25);
    }

    // ---- rejected models

    @Test
    void malformedAndUnsupportedModelsAreRejectedNamingTheField() {
        String good = TreeFixtures.XGB_BINARY_JSON;
        assertRejected("{}", "missing field learner");
        assertRejected("[1,2]", "not an object");
        assertRejected("{\"learner\": [", "not valid JSON");
        assertRejected("", "empty");
        assertRejected(good.replace("\"name\":\"binary:logistic\"", "\"name\":\"reg:gamma\""), "learner.objective.name", "reg:gamma");
        assertRejected(good.replace("\"name\":\"gbtree\"", "\"name\":\"gblinear\""), "gblinear");
        assertRejected(good.replace("\"num_feature\":\"3\"", "\"num_feature\":\"x\""), "learner.learner_model_param.num_feature");
        assertRejected(good.replace("\"tree_info\":[0,0,0]", "\"tree_info\":[0,0]"), "tree_info has 2 entries for 3 trees");
        assertRejected(good.replace("\"tree_info\":[0,0,0]", "\"tree_info\":[0,0,1]"), "tree_info[2] is 1");
        assertRejected(good.replace("\"base_score\":\"5E-1\"", "\"base_score\":\"1E0\""), "base_score", "(0, 1)");

        String dart = """
                {"learner":{"learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"1"},
                 "objective":{"name":"reg:squarederror"},
                 "gradient_booster":{"name":"dart","weight_drop":[1.0,%s],"gbtree":{"model":{"tree_info":[0,0],"trees":[
                  {"left_children":[-1],"right_children":[-1],"split_indices":[0],"split_conditions":[0.25],"default_left":[0]},
                  {"left_children":[-1],"right_children":[-1],"split_indices":[0],"split_conditions":[0.5],"default_left":[0]}
                 ]}}}}}
                """;
        assertRejected(dart.formatted("0.5"), "learner.gradient_booster.weight_drop[1]");
        try {
            double[] out = new double[1];
            json(dart.formatted("1.0")).predict(new float[] {0f}, out);
            assertThat(out[0]).isEqualTo(1.25);
        } catch (TreeModelException e) {
            throw new AssertionError(e);
        }

        String tree = """
                {"learner":{"learner_model_param":{"base_score":"5E-1","num_class":"0","num_feature":"2"},
                 "objective":{"name":"reg:squarederror"},
                 "gradient_booster":{"name":"gbtree","model":{"tree_info":[0],"trees":[{%s}]}}}}
                """;
        assertRejected(tree.formatted("""
                "left_children":[1,0,-1,-1],"right_children":[2,3,-1,-1],"split_indices":[0,0,0,0],
                "split_conditions":[1,2,3,4],"default_left":[0,0,0,0]"""), "node 1: child 0 is reached twice");
        assertRejected(tree.formatted("""
                "left_children":[1,-1,-1],"right_children":[7,-1,-1],"split_indices":[0,0,0],
                "split_conditions":[1,2,3],"default_left":[0,0,0]"""), "child 7 is outside");
        assertRejected(tree.formatted("""
                "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[5,0,0],
                "split_conditions":[1,2,3],"default_left":[0,0,0]"""), "trees[0] node 0: split_indices is 5");
        assertRejected(tree.formatted("""
                "left_children":[1,-1,-1],"right_children":[2,-1],"split_indices":[0,0,0],
                "split_conditions":[1,2,3],"default_left":[0,0,0]"""), "trees[0].right_children has 2 entries");
        assertRejected(tree.formatted("""
                "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
                "split_conditions":[1,2,3],"default_left":[0,0,0],"split_type":[1,0,0]"""), "categories_nodes");
        assertRejected(tree.formatted("""
                "tree_param":{"num_nodes":"1","size_leaf_vector":"3"},
                "left_children":[-1],"right_children":[-1],"split_indices":[0],
                "split_conditions":[1],"default_left":[0]"""), "size_leaf_vector is 3");
        assertRejected(tree.formatted("""
                "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
                "split_conditions":[1,"x",3],"default_left":[0,0,0]"""), "split_conditions[1]");
    }

    @Test
    void truncatedOrCorruptUbjIsRejected() {
        byte[] bytes = Base64.getDecoder().decode(TreeFixtures.XGB_BINARY_UBJ_BASE64);
        assertThatThrownBy(() -> XGBoostModelReader.readUbj(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("truncated");
        byte[] corrupt = bytes.clone();
        corrupt[0] = 'X';
        assertThatThrownBy(() -> XGBoostModelReader.readUbj(corrupt))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("unknown type marker 'X'");
        assertThatThrownBy(() -> XGBoostModelReader.readUbj(new byte[0]))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("empty");
    }

    private static void assertRejected(String json, String... fragments) {
        assertThatThrownBy(() -> json(json))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContainingAll(fragments);
    }
}
