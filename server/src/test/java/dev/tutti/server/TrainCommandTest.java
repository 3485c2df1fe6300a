package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tutti.engine.testing.GoldenSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.gpu.dense.DenseNetwork;
import dev.tutti.gpu.dense.OnnxDenseImporter;
import dev.tutti.trainer.registry.RegisteredMember;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import static org.assertj.core.api.Assertions.within;
import org.junit.jupiter.api.io.TempDir;

/** {@code tutti train} through the real command line, on a 400-row telco churn subset. */
class TrainCommandTest {
    private record Run(int exit, String stdout, String stderr) {}

    @TempDir
    Path dir;

    private Path csv;

    @BeforeEach
    void subset() throws Exception {
        List<String> lines = Files.readAllLines(GoldenSet.repoRoot().resolve("fixtures/data/telco_churn.csv"));
        List<String> out = new ArrayList<>();
        out.add(lines.getFirst());
        for (int i = 1; out.size() <= 400; i += 17) {
            out.add(lines.get(i));
        }
        csv = dir.resolve("telco.csv");
        Files.write(csv, out);
    }

    private static Run tutti(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** Trains a library of 5 members (one of each kind) from the telco subset; the run must succeed. */
    private Run train(Path registry, String library, int folds, int seed) {
        Run run = tutti("train", "--data", csv.toString(), "--target", "churn", "--registry", registry.toString(), "--library", library,
                "--size", "5", "--folds", String.valueOf(folds), "--seed", String.valueOf(seed));
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run;
    }

    @Test
    void shouldTrainALibraryIntoTheRegistryAndPrintTheCvTable() throws Exception {
        Path registry = dir.resolve("registry");
        Run run = train(registry, "churn", 3, 4);

        JsonNode library = new ObjectMapper().readTree(registry.resolve("libraries/churn/1/library.json").toFile());
        assertThat(library.get("members")).hasSize(5);
        assertThat(library.at("/lineage/seed").asLong()).isEqualTo(4);
        assertThat(library.get("classes").toString()).isEqualTo("[\"No\",\"Yes\"]");
        for (JsonNode member : library.get("members")) {
            Path memberDir = registry.resolve(member.get("path").asText());
            assertThat(memberDir.resolve("member.json")).exists();
            assertThat(memberDir.resolve("oof.csv")).exists();
            assertThat(run.stdout()).contains(member.get("name").asText() + "@1");
        }
        assertThat(run.stdout()).contains("auc").contains("logLoss").contains("5 trained, 0 failed, 0 skipped");
        assertThat(run.stderr()).contains("[5/5]").contains("ETA");
    }

    /**
     * The GPU backend's import of a trained MLP: the trainer writes the feature encoding (Gather,
     * IsNaN, Where, Sub, Mul; Gather, Equal, Cast; Concat) into the graph, and the FFM backend runs it
     * on the host before the dense layers. Its CPU reference pass (encoding plus layers, in double)
     * must give ONNX Runtime's outputs on rows with missing values and every category.
     */
    @Test
    void shouldImportATrainedMlpWithItsFeatureEncodingForTheGpuBackend() throws Exception {
        Path registry = dir.resolve("registry");
        train(registry, "nets", 2, 9);
        JsonNode library = new ObjectMapper().readTree(registry.resolve("libraries/nets/1/library.json").toFile());
        JsonNode mlp = null;
        for (JsonNode member : library.get("members")) {
            mlp = member.get("family").asText().equals("mlp") ? member : mlp;
        }
        assertThat(mlp).as("the library of 5 has an MLP").isNotNull();
        ModelSpec spec = RegisteredMember.read(registry.resolve(mlp.get("path").asText())).spec();
        DenseNetwork network = OnnxDenseImporter.read(spec);
        assertThat(network.encoding()).isNotNull();
        int width = spec.schema().width();
        int rows = 200;
        float[] x = new float[rows * width];
        java.util.Random random = new java.util.Random(3);
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < width; f++) {
                var feature = spec.schema().feature(f);
                float v = feature.isCategorical() ? random.nextInt(feature.categories().size()) : (float) (random.nextGaussian() * 30 + 40);
                x[r * width + f] = random.nextInt(10) == 0 && feature.missingAllowed() ? Float.NaN : v;
            }
        }
        double[] reference = network.forward(x, rows);
        try (Member cpu = MemberRuntimes.discover().load(spec)) {
            ScoreMatrix scores = new ScoreMatrix(1, spec.outputs(), rows);
            scores.rows(rows);
            FloatBuffer in = ByteBuffer.allocateDirect(x.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);
            cpu.score(in, rows, new MemberOutput().wrap(scores, 0));
            int columns = network.outputs();
            for (int r = 0; r < rows; r++) {
                assertThat(reference[r * columns + columns - 1]).as("row %d", r).isCloseTo(scores.get(0, 0, r), within(1e-4));
            }
        }
    }

    @Test
    void shouldReportMembersTheTimeBudgetLeftOut() throws Exception {
        Run run = tutti("train", "--data", csv.toString(), "--target", "churn", "--registry", dir.resolve("r").toString(), "--library",
                "b", "--size", "3", "--time-budget", "0s");

        assertThat(run.stdout()).contains("0 trained, 0 failed, 3 skipped").contains("skipped: b-").contains("time budget");
    }

    @Test
    void shouldNameAMissingTargetColumn() {
        Run run = tutti("train", "--data", csv.toString(), "--target", "Churn", "--registry", dir.resolve("r").toString(), "--library", "x");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("no target column 'Churn'").contains("churn");
        assertThat(dir.resolve("r/models")).doesNotExist();
    }

    @Test
    void shouldNameTheLineOfAnUnreadableRow() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        lines.set(10, lines.get(10) + ",surplus");
        Files.write(csv, lines);

        Run run = tutti("train", "--data", csv.toString(), "--target", "churn", "--registry", dir.resolve("r").toString(), "--library", "x");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("line 11 has 21 cells; the header has 20 columns");
    }

    @Test
    void shouldRefuseBadOptionsAsUsageErrors() {
        Run size = tutti("train", "--data", csv.toString(), "--target", "churn", "--registry", dir.toString(), "--library", "x", "--size", "lots");
        Run budget = tutti("train", "--data", csv.toString(), "--target", "churn", "--registry", dir.toString(), "--library", "x",
                "--time-budget", "soon");

        assertThat(size.exit()).isEqualTo(2);
        assertThat(size.stderr()).contains("--size is small, medium, large or a number");
        assertThat(budget.exit()).isEqualTo(2);
        assertThat(budget.stderr()).contains("'soon' is not a duration");
    }
}
