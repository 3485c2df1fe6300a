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
    void shouldEvaluateNumericTreesOfAtMostEightLevels() throws Exception {
        List<TreeEnsemble> supported = List.of(
                XGBoostModelReaderTest.json(TreeFixtures.XGB_REG_JSON),
                LightGbmModelReader.read(TreeEvaluationOptionTest.chain(6)),
                RandomForests.numeric(1, true, 3, 120),
                RandomForests.numeric(1, true, 8, 120),
                RandomForests.numeric(1, false, 8, 120),
                golden("spam", "xgboost"),
                golden("letters", "xgboost"));
        for (TreeEnsemble model : supported) {
            assertThat(TreeAlgorithm.BITSLICE.supports(model)).as(model.description()).isTrue();
        }
    }

    @Test
    void shouldRefuseCategoricalSplits() throws Exception {
        TreeEnsemble categorical = XGBoostModelReaderTest.json(TreeFixtures.XGB_BINARY_JSON);
        assertThat(hasCategoricalSplit(categorical)).isTrue();
        assertRefusedButOthersTakeIt(categorical);
        assertRefusedButOthersTakeIt(LightGbmModelReader.read(TreeFixtures.LGB_BIN));
        assertRefusedButOthersTakeIt(golden("telco", "lightgbm"));
        assertRefusedButOthersTakeIt(RandomForests.float32Binary(1));
    }

    @Test
    void shouldRefuseTreesDeeperThanEightLevels() throws Exception {
        TreeEnsemble deep = RandomForests.numeric(7, false, 12, 120);
        assertThat(maxDepth(deep)).isGreaterThan(8);
        assertRefusedButOthersTakeIt(deep);
        assertRefusedButOthersTakeIt(RandomForests.chains(4));
        assertRefusedButOthersTakeIt(golden("spam", "lightgbm"));
    }

    @Test
    void shouldRefuseFeaturesOfMoreThan255DistinctThresholds() throws Exception {
        TreeEnsemble fine = RandomForests.numeric(8, true, 8, 4000);
        assertThat(maxDepth(fine)).isLessThanOrEqualTo(8);
        assertThat(hasCategoricalSplit(fine)).isFalse();
        assertThat(maxDistinctThresholds(fine)).isGreaterThan(255);
        assertRefusedButOthersTakeIt(fine);
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
