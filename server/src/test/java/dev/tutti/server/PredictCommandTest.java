package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.engine.testing.GoldenSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code tutti predict} on the bundled ensembles and their golden rows, through the real command line. */
class PredictCommandTest {

    private record Run(int exit, String stderr) {}

    private static Run tutti(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"telco-churn, telco", "spam, spam"})
    void shouldWriteOneAnswerPerInputRowInInputOrder(String ensemble, String dataset, @TempDir Path dir) throws Exception {
        Path input = GoldenSet.repoRoot().resolve("fixtures/golden/" + dataset + ".csv");
        Path output = dir.resolve("out.csv");
        Run run = tutti("predict", "--ensemble", BundledEnsembles.directory(ensemble).toString(),
                "--input", input.toString(), "--output", output.toString(), "--batch-size", "100");
        assertThat(run.exit()).as(run.stderr()).isZero();
        GoldenSet golden = GoldenSet.load(dataset);
        List<String> lines = Files.readAllLines(output);
        assertThat(lines.getFirst()).isEqualTo("row,prediction,score,confidence,mlp-onnx,mlp-torchscript,xgboost,lightgbm,logistic,missing");
        assertThat(lines).hasSize(golden.rows() + 1);
        double[] expected = golden.column("ensemble");
        double[] xgboost = golden.column("xgboost");
        for (int r = 0; r < golden.rows(); r++) {
            String[] cells = lines.get(r + 1).split(",", -1);
            assertThat(Integer.parseInt(cells[0])).isEqualTo(r);
            assertThat(Double.parseDouble(cells[2])).isCloseTo(expected[r], offset(1e-4));
            assertThat(Double.parseDouble(cells[6])).isCloseTo(xgboost[r], offset(1e-6));
            assertThat(cells[9]).isEmpty();
        }
        assertThat(run.stderr()).contains("scored " + golden.rows() + " rows");
    }

    @Test
    void shouldAddContributionsWhenAskedToExplain(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("out.csv");
        Run run = tutti("predict", "--ensemble", BundledEnsembles.directory("telco-churn").toString(), "--input",
                GoldenSet.repoRoot().resolve("fixtures/golden/telco.csv").toString(), "--output", output.toString(), "--explain");
        assertThat(run.exit()).as(run.stderr()).isZero();
        String header = Files.readAllLines(output).getFirst();
        assertThat(header).endsWith(",missing,consensus,contribution:mlp-onnx,contribution:mlp-torchscript,"
                + "contribution:xgboost,contribution:lightgbm,contribution:logistic");
    }

    @Test
    void shouldStopAtTheFirstInvalidRowNamingLineAndFeature(@TempDir Path dir) throws Exception {
        Path input = withBadRow(dir, 3, "contract", "Forever");
        Run run = tutti("predict", "--ensemble", BundledEnsembles.directory("telco-churn").toString(),
                "--input", input.toString(), "--output", dir.resolve("out.csv").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("line 5 (row 3)").contains("'contract'").contains("'Forever'").contains("--on-error skip");
    }

    @Test
    void shouldSkipInvalidRowsWhenAskedAndScoreTheRest(@TempDir Path dir) throws Exception {
        Path input = withBadRow(dir, 3, "tenure", "a lot");
        Path output = dir.resolve("out.csv");
        Run run = tutti("predict", "--ensemble", BundledEnsembles.directory("telco-churn").toString(),
                "--input", input.toString(), "--output", output.toString(), "--on-error", "skip");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("skipped line 5 (row 3)").contains("tenure").contains("1 invalid rows skipped");
        List<String> rows = Files.readAllLines(output);
        assertThat(rows).hasSize(10);
        assertThat(rows.get(4)).startsWith("4,");
    }

    @Test
    void shouldExplainAMissingFeatureColumn(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "tenure,contract\n3,One year\n");
        Run run = tutti("predict", "--ensemble", BundledEnsembles.directory("telco-churn").toString(),
                "--input", input.toString(), "--output", dir.resolve("out.csv").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("no column for features female, senior_citizen");
    }

    @Test
    void shouldRefuseToServeADirectoryWithoutAnEnsemble() {
        Run run = tutti("serve", "--ensemble", "no/such/ensemble", "--binary-port", "0", "--http-port", "0");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("no ensemble at").contains("manifest.json");
    }

    /** The first 10 golden telco rows with one cell replaced. */
    private static Path withBadRow(Path dir, int row, String column, String value) throws Exception {
        List<String> lines = Files.readAllLines(GoldenSet.repoRoot().resolve("fixtures/golden/telco.csv"));
        int c = List.of(lines.getFirst().split(",")).indexOf(column);
        List<String> out = new ArrayList<>(lines.subList(0, 11));
        String[] cells = out.get(row + 1).split(",", -1);
        cells[c] = value;
        out.set(row + 1, String.join(",", cells));
        Path input = dir.resolve("in.csv");
        Files.write(input, out);
        return input;
    }
}
