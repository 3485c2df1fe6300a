package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.engine.ensemble.Scorer;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.manifest.ManifestReader;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.testing.GoldenSet;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundled ensembles against the fixture script's golden answers, in two steps:
 *
 * <ol>
 *   <li>the combiner alone, fed the reference libraries' member outputs, reproduces the answer the
 *       script computed with NumPy from the same outputs, to 1e-5: member scores travel as float32,
 *       and rounding a double such as 0.99999997 to float32 moves it to 1.0 before the log-odds;
 *   <li>end to end through the real runtimes, the answer is within 1e-4 of it. The gap is the
 *       members' own float32 differences (each within 1e-5 of its library, see the parity tests)
 *       passed through the combiner: logistic stacking works in log-odds, where PyTorch's exact 1.0
 *       and ONNX Runtime's 0.99999988 for the same row differ by 0.17 before clamping.
 * </ol>
 */
class EnsembleGoldenTest {
    private static final double COMBINER_TOLERANCE = 1e-5;
    private static final double END_TO_END_TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"telco-churn", "spam"})
    void shouldCombineReferenceOutputsAsTheFixtureScriptDid(String name) throws Exception {
        GoldenSet golden = GoldenSet.load(BundledEnsembles.DATASET_OF.get(name));
        EnsembleManifest manifest = ManifestReader.read(BundledEnsembles.directory(name));
        Combiner combiner = manifest.combiner();
        int rows = golden.rows();
        ScoreMatrix members = new ScoreMatrix(manifest.members().size(), 1, rows);
        members.rows(rows);
        for (int m = 0; m < manifest.members().size(); m++) {
            double[] reference = golden.column(manifest.members().get(m).name());
            for (int r = 0; r < rows; r++) {
                members.set(m, 0, r, (float) reference[r]);
            }
        }
        ScoreMatrix combined = new ScoreMatrix(1, 1, rows);
        boolean[] present = new boolean[manifest.members().size()];
        Arrays.fill(present, true);
        combiner.combine(members, present, null, combined);
        double[] expected = golden.column("ensemble");
        for (int r = 0; r < rows; r++) {
            assertThat((double) combined.get(0, 0, r)).as("%s row %d", name, r).isCloseTo(expected[r], offset(COMBINER_TOLERANCE));
        }
    }

    @ParameterizedTest(name = "{0} at batch {1}")
    @CsvSource({"telco-churn, 1", "telco-churn, 256", "spam, 1", "spam, 256", "spam, 1000"})
    void shouldReproduceTheGoldenAnswersEndToEnd(String name, int batch) throws Exception {
        GoldenSet golden = GoldenSet.load(BundledEnsembles.DATASET_OF.get(name));
        double[] expected = golden.column("ensemble");
        try (Ensemble ensemble = BundledEnsembles.load(name)) {
            Scorer scorer = ensemble.newScorer(batch);
            Predictions predictions = new Predictions(ensemble, batch);
            for (int from = 0; from < golden.rows(); from += batch) {
                int rows = Math.min(batch, golden.rows() - from);
                scorer.score(golden.encodedRows(from, rows), rows, from, predictions, false);
                assertThat(predictions.degraded()).isFalse();
                assertThat(predictions.membersUsed()).hasSize(5);
                for (int r = 0; r < rows; r++) {
                    double p = expected[from + r];
                    assertThat((double) predictions.value(r)).as("%s row %d", name, from + r).isCloseTo(p, offset(END_TO_END_TOLERANCE));
                    if (Math.abs(p - 0.5) > END_TO_END_TOLERANCE) {
                        assertThat(predictions.label(r)).isEqualTo(ensemble.manifest().classes().get(p >= 0.5 ? 1 : 0));
                    }
                    assertThat(predictions.confidence(r)).isBetween(0f, 1f);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"telco-churn", "spam"})
    void shouldExplainEveryRowWithContributionsThatAddUp(String name) throws Exception {
        GoldenSet golden = GoldenSet.load(BundledEnsembles.DATASET_OF.get(name));
        try (Ensemble ensemble = BundledEnsembles.load(name)) {
            int rows = 64;
            Predictions predictions = new Predictions(ensemble, rows);
            ensemble.newScorer(rows).score(golden.encodedRows(0, rows), rows, 0, predictions, true);
            assertThat(predictions.explanations()).hasSize(rows);
            for (RowExplanation e : predictions.explanations()) {
                double sum = e.base() + e.members().stream().mapToDouble(RowExplanation.Part::contribution).sum();
                assertThat(sum).isCloseTo(e.combinedInSpace(), offset(1e-6));
                assertThat(e.members()).extracting(RowExplanation.Part::member)
                        .containsExactlyElementsOf(ensemble.members().stream().map(Member::spec).map(s -> s.name()).toList());
                assertThat(e.consensus()).isBetween(0.0, 1.0);
                for (int m = 0; m < e.members().size(); m++) {
                    assertThat(e.members().get(m).output()).isEqualTo((double) predictions.memberOutput(m, 0, e.row()));
                }
            }
        }
    }
}
