package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.lightgbm.LightGbmModelReader;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.testing.GoldenSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link TreeAlgorithm#BITSLICE} takes and what it leaves to the other algorithms. The contract
 * test ({@link BatchEvaluatorContractTest}) checks it bit for bit on every model it supports; this
 * says which those are, so that the contract cannot pass by the kernel refusing everything, and that
 * the models it refuses still have the other algorithms (checked bit for bit there too).
 */
class BitSliceSupportTest {

    @Test
    void shouldEvaluateNumericTreesOfAtMostTwelveLevels() throws Exception {
        List<TreeEnsemble> supported = List.of(
                XGBoostModelReaderTest.json(TreeFixtures.XGB_REG_JSON),
                LightGbmModelReader.read(TreeEvaluationOptionTest.chain(6)),
                RandomForests.numeric(1, true, 3, 120),
                RandomForests.numeric(1, true, 8, 120),
                RandomForests.numeric(1, false, 8, 120),
                RandomForests.numeric(7, false, 12, 120),
                RandomForests.numeric(9, true, 11, 120),
                chains(1000, 12),
                golden("spam", "xgboost"),
                golden("letters", "xgboost"));
        for (TreeEnsemble model : supported) {
            assertThat(TreeAlgorithm.BITSLICE.supports(model)).as(model.description()).isTrue();
        }
    }

    @Test
    void shouldEvaluateCategoricalSplitsOverCategoriesBelow62() throws Exception {
        List<TreeEnsemble> supported = List.of(
                golden("telco", "lightgbm"),
                XGBoostModelReaderTest.json(TreeFixtures.XGB_BINARY_JSON),
                RandomForests.categorical(1, true, 8),
                RandomForests.categorical(2, false, 8),
                RandomForests.categorical(3, false, 4),
                categoricalStump(61));
        for (TreeEnsemble model : supported) {
            assertThat(hasCategoricalSplit(model)).as(model.description()).isTrue();
            assertThat(TreeAlgorithm.BITSLICE.supports(model)).as(model.description()).isTrue();
        }
    }

    @Test
    void shouldRefuseCategoricalSplitsOverCategoriesOf62OrMore() throws Exception {
        // 62 and 63 are the codes of "in no set" and NaN: a set holding them does not fit
        assertRefusedButOthersTakeIt(categoricalStump(62));
        assertRefusedButOthersTakeIt(categoricalStump(100));
        assertRefusedButOthersTakeIt(RandomForests.float32Binary(1));
    }

    @Test
    void shouldRefuseTreesDeeperThanTwelveLevels() throws Exception {
        TreeEnsemble deep = RandomForests.numeric(7, false, 16, 120);
        assertThat(maxDepth(deep)).isGreaterThan(12);
        assertRefusedButOthersTakeIt(deep);
        assertRefusedButOthersTakeIt(chains(1, 13));
        assertRefusedButOthersTakeIt(RandomForests.chains(4));
        assertRefusedButOthersTakeIt(golden("spam", "lightgbm"));
    }

    @Test
    void shouldRefuseMoreThan4MiLeafSlotsOfCompleteTrees() throws Exception {
        // 1000 trees of 12 levels pad to 4,096,000 slots (accepted above); 1025 to 4,198,400 > 2^22
        TreeEnsemble padded = chains(1025, 12);
        assertThat(maxDepth(padded)).isEqualTo(12);
        assertRefusedButOthersTakeIt(padded);
    }

    @Test
    void shouldRefuseFeaturesOfMoreThan255DistinctThresholds() throws Exception {
        TreeEnsemble fine = RandomForests.numeric(8, true, 8, 4000);
        assertThat(maxDepth(fine)).isLessThanOrEqualTo(8);
        assertThat(hasCategoricalSplit(fine)).isFalse();
        assertThat(maxDistinctThresholds(fine)).isGreaterThan(255);
        assertRefusedButOthersTakeIt(fine);
    }

    /** {@code trees} chains of {@code depth} numeric splits on feature 0 (thresholds 1 .. depth). */
    private static TreeEnsemble chains(int trees, int depth) throws Exception {
        TreeEnsemble.Builder b = TreeEnsemble.builder(1).featureCount(2).accumulation(TreeEnsemble.Accumulation.FLOAT64)
                .link(TreeEnsemble.Link.IDENTITY).task(dev.tutti.combine.Task.REGRESSION, 0)
                .description(trees + " chains of " + depth);
        for (int t = 0; t < trees; t++) {
            int below = b.leaf(t);
            for (int d = depth; d >= 1; d--) {
                int split = b.numericSplit(0, d, false, false, false);
                b.children(split, b.leaf(-d), below);
                below = split;
            }
            b.tree(below, 0);
        }
        return b.build();
    }

    /** One categorical split on feature 0 whose set is {1, {@code category}}: in the set left, negatives truncated. */
    private static TreeEnsemble categoricalStump(int category) throws Exception {
        TreeEnsemble.Builder b = TreeEnsemble.builder(1).featureCount(2).accumulation(TreeEnsemble.Accumulation.FLOAT64)
                .link(TreeEnsemble.Link.IDENTITY).task(dev.tutti.combine.Task.REGRESSION, 0)
                .description("categorical stump " + category);
        int[] bits = new int[category / 32 + 1];
        bits[0] |= 1 << 1;
        bits[category / 32] |= 1 << (category % 32);
        int split = b.categoricalSplit(0, bits, true, false, false);
        b.children(split, b.leaf(1.0), b.leaf(-1.0));
        b.tree(split, 0);
        return b.build();
    }

    private static void assertRefusedButOthersTakeIt(TreeEnsemble model) {
        assertThat(TreeAlgorithm.BITSLICE.supports(model)).as(model.description()).isFalse();
        assertThat(TreeAlgorithm.TRAVERSAL.supports(model)).isTrue();
        assertThat(TreeAlgorithm.VQUICKSCORER.supports(model)).isTrue();
    }

    private static TreeEnsemble golden(String dataset, String member) throws Exception {
        var spec = GoldenSet.load(dataset).member(member);
        return JavaTreeRuntimeProvider.parse(spec.format(), spec.artifact());
    }

    private static boolean hasCategoricalSplit(TreeEnsemble model) {
        for (int n = 0; n < model.nodeCount(); n++) {
            if ((model.splitFlags(n) & TreeEnsemble.CATEGORICAL) != 0) {
                return true;
            }
        }
        return false;
    }

    private static int maxDepth(TreeEnsemble model) {
        int max = 0;
        for (int t = 0; t < model.treeCount(); t++) {
            max = Math.max(max, depth(model, model.treeRoot(t)));
        }
        return max;
    }

    private static int depth(TreeEnsemble model, int ref) {
        return ref < 0 ? 0 : 1 + Math.max(depth(model, model.leftChild(ref)), depth(model, model.rightChild(ref)));
    }

    private static long maxDistinctThresholds(TreeEnsemble model) {
        long max = 0;
        for (int f = 0; f < model.featureCount(); f++) {
            int feature = f;
            long count = java.util.stream.IntStream.range(0, model.nodeCount())
                    .filter(n -> model.splitFeature(n) == feature)
                    .mapToDouble(model::splitThreshold)
                    .distinct()
                    .count();
            max = Math.max(max, count);
        }
        return max;
    }
}
