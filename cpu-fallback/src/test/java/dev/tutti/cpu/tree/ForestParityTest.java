package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.lightgbm.LightGbmModelReader;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random forests from the libraries' own random-forest modes ({@link ForestFixtures}) give the
 * libraries' outputs, by the reference evaluator and by every batch algorithm: XGBoost's
 * ({@code num_parallel_tree} trees per round, summed in float32; margins bit for bit) and LightGBM's
 * ({@code boosting=rf}, {@code average_output}: the sums divided by the iterations; within 1e-15, or
 * the float32 rounding of the batch evaluator's outputs).
 */
class ForestParityTest {

    static Stream<String> evaluations() {
        return Stream.concat(Stream.of("reference", "adaptive"), Stream.of(TreeAlgorithm.values()).map(TreeAlgorithm::name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluations")
    void xgboostBinaryForestMatchesXGBoost(String evaluation) throws Exception {
        TreeEnsemble model = XGBoostModelReaderTest.json(ForestFixtures.XGB_RF_BINARY);
        assertThat(model.treeCount()).as("one round of 8 parallel trees").isEqualTo(8);
        check(model, evaluation, ForestFixtures.BINARY_ROWS, ForestFixtures.XGB_RF_BINARY_MARGINS,
                ForestFixtures.XGB_RF_BINARY_PREDICTIONS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluations")
    void xgboostMulticlassForestMatchesXGBoost(String evaluation) throws Exception {
        TreeEnsemble model = XGBoostModelReaderTest.json(ForestFixtures.XGB_RF_MULTI);
        assertThat(model.treeCount()).as("2 rounds of 3 parallel trees for 4 classes").isEqualTo(24);
        check(model, evaluation, ForestFixtures.MULTI_ROWS, ForestFixtures.XGB_RF_MULTI_MARGINS,
                ForestFixtures.XGB_RF_MULTI_PREDICTIONS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluations")
    void lightGbmMulticlassForestMatchesLightGbm(String evaluation) throws Exception {
        TreeEnsemble model = LightGbmModelReader.read(ForestFixtures.LGB_RF_MULTI);
        assertThat(model.averageOver()).as("average_output over 3 iterations").isEqualTo(3);
        assertThat(model.treeCount()).isEqualTo(12);
        float[][] rows = ForestFixtures.MULTI_ROWS;
        double[][] outputs = evaluate(model, evaluation, rows, false);
        for (int r = 0; r < rows.length; r++) {
            for (int o = 0; o < model.outputs(); o++) {
                double expected = ForestFixtures.LGB_RF_MULTI_PREDICTIONS[r][o];
                // the batch evaluator writes float32 outputs (the engine's score matrix)
                double tolerance = evaluation.equals("reference") ? 1e-15 : Math.ulp((float) expected);
                assertThat(outputs[r][o]).as("%s row %d class %d", evaluation, r, o).isCloseTo(expected, within(tolerance));
            }
        }
    }

    private static void check(TreeEnsemble model, String evaluation, float[][] rows, float[][] margins, float[][] predictions) {
        double[][] raw = evaluate(model, evaluation, rows, true);
        double[][] out = evaluate(model, evaluation, rows, false);
        for (int r = 0; r < rows.length; r++) {
            for (int g = 0; g < model.groups(); g++) {
                assertThat((float) raw[r][g]).as("%s margin row %d group %d", evaluation, r, g).isEqualTo(margins[r][g]);
            }
            for (int o = 0; o < model.outputs(); o++) {
                assertThat(out[r][o]).as("%s row %d output %d", evaluation, r, o).isCloseTo(predictions[r][o], within(1e-6));
            }
        }
    }

    /** Margins (before the link) or outputs of every row, by {@code evaluation}. */
    private static double[][] evaluate(TreeEnsemble model, String evaluation, float[][] rows, boolean margins) {
        int values = margins ? model.groups() : model.outputs();
        double[][] result = new double[rows.length][values];
        if (evaluation.equals("reference")) {
            double[] out = new double[model.groups()];
            for (int r = 0; r < rows.length; r++) {
                if (margins) {
                    model.margins(rows[r], out);
                } else {
                    model.predict(rows[r], out);
                }
                System.arraycopy(out, 0, result[r], 0, values);
            }
            return result;
        }
        if (!evaluation.equals("adaptive")) {
            // every algorithm takes these forests, BITSLICE too (their categorical splits are over
            // small categories): none may fall back to another evaluation here
            assertThat(TreeAlgorithm.valueOf(evaluation).supports(model)).as(evaluation).isTrue();
        }
        BatchTreeEvaluator evaluator = evaluation.equals("adaptive")
                ? BatchTreeEvaluator.adaptive(model)
                : BatchTreeEvaluator.create(model, TreeAlgorithm.valueOf(evaluation));
        int width = rows[0].length;
        FloatBuffer input = BatchEvaluatorContractTest.rowsBuffer(rows, 0, rows.length, width);
        if (margins) {
            double[] out = new double[rows.length * values];
            evaluator.margins(input, rows.length, width, out);
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(out, r * values, result[r], 0, values);
            }
        } else {
            float[] out = new float[rows.length * values];
            int[] offsets = new int[values];
            for (int o = 0; o < values; o++) {
                offsets[o] = o * rows.length;
            }
            evaluator.predict(input, rows.length, width, out, offsets);
            for (int r = 0; r < rows.length; r++) {
                for (int o = 0; o < values; o++) {
                    result[r][o] = out[offsets[o] + r];
                }
            }
        }
        return result;
    }
}
