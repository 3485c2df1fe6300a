package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.lightgbm.LightGbmModelReader;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of the batch evaluator, checked for every algorithm (and the adaptive evaluator,
 * which switches between them) on every model at hand: the libraries' small models, their random
 * forests, the golden fixture models and random models with every kind of split. Over rows made to
 * hit the edges of the decisions ({@link AwkwardRows}: thresholds and their neighbouring floats,
 * NaN, zeros, infinities, odd categories), in batches of awkward sizes, the margins and the
 * predictions are bit-for-bit those of the reference evaluator.
 */
class BatchEvaluatorContractTest {
    private static final int[] BATCHES = {1, 7, 300, 64, 65, 130, 3, 200, 63};
    private static final int ROWS = 840; // every batch size once (833 rows), then a few more

    record Model(String name, TreeEnsemble model) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Model> models() throws Exception {
        List<Model> models = new ArrayList<>();
        models.add(new Model("xgb binary categorical", XGBoostModelReaderTest.json(TreeFixtures.XGB_BINARY_JSON)));
        models.add(new Model("xgb multiclass", XGBoostModelReaderTest.json(TreeFixtures.XGB_MULTI_JSON)));
        models.add(new Model("xgb regression", XGBoostModelReaderTest.json(TreeFixtures.XGB_REG_JSON)));
        models.add(new Model("lgbm binary", LightGbmModelReader.read(TreeFixtures.LGB_BIN)));
        models.add(new Model("lgbm multiclass", LightGbmModelReader.read(TreeFixtures.LGB_MULTI)));
        models.add(new Model("lgbm random forest", LightGbmModelReader.read(TreeFixtures.LGB_RF)));
        models.add(new Model("lgbm zero as missing", LightGbmModelReader.read(TreeFixtures.LGB_ZERO)));
        models.add(new Model("lgbm missing none", LightGbmModelReader.read(TreeFixtures.LGB_NONE)));
        models.add(new Model("xgb random forest binary", XGBoostModelReaderTest.json(ForestFixtures.XGB_RF_BINARY)));
        models.add(new Model("xgb random forest multiclass", XGBoostModelReaderTest.json(ForestFixtures.XGB_RF_MULTI)));
        models.add(new Model("lgbm random forest multiclass", LightGbmModelReader.read(ForestFixtures.LGB_RF_MULTI)));
        for (long seed = 1; seed <= 3; seed++) {
            models.add(new Model("random float32 " + seed, RandomForests.float32Binary(seed)));
            models.add(new Model("random averaged " + seed, RandomForests.averagedMulticlass(seed)));
        }
        models.add(new Model("random chains", RandomForests.chains(4)));
        for (long seed = 1; seed <= 2; seed++) {
            models.add(new Model("random numeric float32 " + seed, RandomForests.numeric(seed, true, 8, 120)));
            models.add(new Model("random numeric double " + seed, RandomForests.numeric(seed, false, 8, 120)));
            models.add(new Model("random numeric shallow " + seed, RandomForests.numeric(seed, true, 3, 120)));
        }
        for (long seed = 1; seed <= 2; seed++) {
            models.add(new Model("random categorical float32 " + seed, RandomForests.categorical(seed, true, 8)));
            models.add(new Model("random categorical double " + seed, RandomForests.categorical(seed, false, 8)));
        }
        models.add(new Model("random categorical shallow", RandomForests.categorical(3, false, 4)));
        models.add(new Model("random numeric deep", RandomForests.numeric(7, false, 12, 120)));
        models.add(new Model("random numeric deep float32", RandomForests.numeric(9, true, 11, 120)));
        models.add(new Model("random numeric fine grid", RandomForests.numeric(8, true, 8, 4000)));
        for (String dataset : GoldenSet.DATASETS) {
            GoldenSet golden = GoldenSet.load(dataset);
            for (ModelSpec m : golden.members()) {
                if (new JavaTreeRuntimeProvider().formats().contains(m.format())) {
                    models.add(new Model(dataset + " " + m.name(), JavaTreeRuntimeProvider.parse(m.format(), m.artifact())));
                }
            }
        }
        return models;
    }

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        for (Model m : models()) {
            for (TreeAlgorithm algorithm : TreeAlgorithm.values()) {
                if (algorithm.supports(m.model())) {
                    cases.add(Arguments.of(m, algorithm.name()));
                }
            }
            cases.add(Arguments.of(m, "adaptive"));
        }
        return cases.stream();
    }

    private static BatchTreeEvaluator evaluator(TreeEnsemble model, String kind) {
        return kind.equals("adaptive") ? BatchTreeEvaluator.adaptive(model) : BatchTreeEvaluator.create(model, TreeAlgorithm.valueOf(kind));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void reproducesTheReferenceEvaluatorBitForBit(Model m, String kind) {
        TreeEnsemble model = m.model();
        int width = model.featureCount() + 2;
        float[][] rows = AwkwardRows.of(model, width, ROWS, m.name().hashCode());
        BatchTreeEvaluator evaluator = evaluator(model, kind);
        int groups = model.groups();
        int outputs = model.outputs();
        double[] expected = new double[groups];
        int from = 0;
        for (int b = 0; from < ROWS; b++) {
            int batch = Math.min(BATCHES[b % BATCHES.length], ROWS - from);
            FloatBuffer input = rowsBuffer(rows, from, batch, width);
            double[] margins = new double[batch * groups];
            evaluator.margins(input, batch, width, margins);
            float[] out = new float[batch * outputs];
            int[] offsets = new int[outputs];
            for (int o = 0; o < outputs; o++) {
                offsets[o] = o * batch;
            }
            evaluator.predict(input, batch, width, out, offsets);
            for (int r = 0; r < batch; r++) {
                float[] row = rows[from + r];
                model.margins(row, expected);
                for (int g = 0; g < groups; g++) {
                    assertThat(margins[r * groups + g]).as("%s, %s: margin %d of row %d %s", m, kind, g, from + r,
                            java.util.Arrays.toString(row)).isEqualTo(expected[g]);
                }
                model.predict(row, expected);
                for (int o = 0; o < outputs; o++) {
                    assertThat(out[offsets[o] + r]).as("%s, %s: output %d of row %d", m, kind, o, from + r)
                            .isEqualTo((float) expected[o]);
                }
            }
            from += batch;
        }
    }

    static FloatBuffer rowsBuffer(float[][] rows, int from, int count, int width) {
        FloatBuffer buffer = FloatBuffer.allocate(count * width);
        for (int r = 0; r < count; r++) {
            buffer.put(rows[from + r], 0, width);
        }
        return buffer.flip();
    }

}
