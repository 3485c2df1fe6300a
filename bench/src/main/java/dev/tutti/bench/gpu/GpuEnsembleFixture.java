package dev.tutti.bench.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.ManifestReader;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.TextRowEncoder;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.RuntimeStatus;
import dev.tutti.trainer.LibraryTrainer;
import dev.tutti.trainer.MemberResult;
import dev.tutti.trainer.TrainingConfig;
import dev.tutti.trainer.TrainingReport;
import dev.tutti.trainer.data.CsvTable;
import dev.tutti.trainer.plan.LibraryPlan;
import dev.tutti.trainer.plan.MemberRecipe;
import dev.tutti.trainer.progress.ConsoleProgress;
import dev.tutti.trainer.registry.RegisteredMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds, from real data, the ensemble the GPU throughput benchmark ({@link GpuEnsembleLoad}) serves:
 * two wide MLPs (1024x512 and 768x768 hidden units, the members a GPU runtime takes) and two boosted
 * tree members (XGBoost depth 6, LightGBM 63 leaves, which stay on the CPU), all trained by
 * {@code tutti train}'s {@link LibraryTrainer} (2 folds, seed 1) on telco churn, combined by a
 * weighted average with <em>equal</em> weights: a load fixture, not an ensemble selected for accuracy.
 *
 * <p>Writes, under {@code OUT_DIR/gpu-mlp/}:
 * <ul>
 *   <li>{@code 1/}: the ensemble version ({@code manifest.json} and {@code members/NAME/1/ARTIFACT},
 *       docs/formats.md); task, classes, schema, artifact formats, sha256 and options are those the
 *       trainer recorded in each {@code member.json}; its encoding, hyper-parameters, CV metrics and
 *       lineage go to the manifest's {@code metrics} and {@code provenance};
 *   <li>{@code rows.f32}: the first 4096 rows of the CSV encoded by the engine's {@link TextRowEncoder}
 *       with the ensemble's schema (as the trainer and {@code tutti serve} encode them), float32
 *       little-endian, row-major; {@code rows.txt}: {@code rows=N width=W}.
 * </ul>
 * The version is assembled in {@code .1.staging/}, loaded back through {@link EnsembleLoader} and
 * checked (256 rows scored through the engine's scorer; each member's outputs equal the trainer's own
 * predictions of those rows within 1e-4), then renamed to {@code 1/}. An existing {@code 1/} is refused:
 * versions are immutable, delete it to rebuild. Last, it prints each artifact's size and each member's
 * median time to score a batch of 256 rows, called directly on this machine after 2 s of warm-up each.
 *
 * <pre>
 * ./mvnw -q -o -Pbench -DskipTests install -pl bench -am
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
 *      -cp bench/target/benchmarks.jar dev.tutti.bench.gpu.GpuEnsembleFixture OUT_DIR [data.csv [target]]
 * </pre>
 * Defaults: {@code fixtures/data/telco_churn.csv} (from the repository root), target {@code churn}.
 * The registry the trainer writes is a temporary directory, deleted at the end.
 *
 * <p>Threads: everything runs on the main thread; training uses one thread per library (as
 * {@code tutti train}), and every member is timed alone. Ownership: the loaded ensemble is closed
 * before the staging directory is renamed.
 */
public final class GpuEnsembleFixture {
    static final String NAME = "gpu-mlp";
    static final int VERSION = 1;
    static final int CHECK_ROWS = 256;
    static final int FIXTURE_ROWS = 4096;
    /** Warm-up per member before timing: at least this many calls and this long (the tree evaluator's JIT needs it). */
    private static final int WARM_UP_CALLS = 50;
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final int TIMED_CALLS = 21;
    private static final double PARITY_TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GpuEnsembleFixture() {}

    /** A member of the fixture: its name in the ensemble and the recipe {@code tutti train} fits for it. */
    record Part(String name, MemberRecipe recipe) {}

    /**
     * The members, with the parameter keys {@code LibraryPlan}'s recipe builders use (the families read
     * those keys). ONNX sizes for telco's 40 design columns: 1024x512 is 567k parameters (2.3 MB),
     * 768x768 622k (2.5 MB).
     */
    static List<Part> plan() {
        return List.of(
                new Part("mlp-1024x512", LibraryPlan.mlp(1024, 512, 0.001, 1e-4, 10)),
                new Part("mlp-768x768", LibraryPlan.mlp(768, 768, 0.001, 1e-4, 10)),
                new Part("xgboost-d6", LibraryPlan.xgboost(6, 0.1, 1, 1, false)),
                new Part("lightgbm-l63", LibraryPlan.lightgbm(63, 0.1, 1, 1, true)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: GpuEnsembleFixture OUT_DIR [data.csv [target]]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).resolve(NAME);
        Path data = Path.of(args.length > 1 ? args[1] : "fixtures/data/telco_churn.csv");
        String target = args.length > 2 ? args[2] : "churn";
        Path version = home.resolve(Integer.toString(VERSION));
        if (Files.exists(version)) {
            throw new IllegalStateException(version + " exists: ensemble versions are immutable; delete it to rebuild");
        }
        List<Part> parts = plan();
        Path registry = Files.createTempDirectory("tutti-gpu-fixture-registry");
        try {
            TrainingReport report = train(data, target, registry, parts);
            Path staging = home.resolve("." + VERSION + ".staging");
            deleteRecursively(staging);
            Files.createDirectories(staging);
            writeEnsemble(staging, report, parts, data);
            try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(staging)) {
                float[] rows = writeRows(data, ensemble.manifest().schema(), home);
                check(ensemble, rows, report);
                time(ensemble, rows);
            }
            Files.move(staging, version, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("wrote " + version.toAbsolutePath() + " and " + home.resolve("rows.f32").toAbsolutePath());
        } finally {
            deleteRecursively(registry);
        }
    }

    /** Trains the plan with tutti train's library; every member must be trained (and pass served parity). */
    private static TrainingReport train(Path data, String target, Path registry, List<Part> parts) throws Exception {
        TrainingConfig config = new TrainingConfig(data, target, registry, NAME, null, 2, 1,
                parts.stream().map(Part::recipe).toList(), null, List.of(), TrainingConfig.DEFAULT_PARITY_ROWS);
        TrainingReport report = new LibraryTrainer(config, new ConsoleProgress(System.err, false)).run();
        System.out.println("out-of-fold metrics (2 folds, seed 1):");
        System.out.print(report.table());
        for (MemberResult m : report.members()) {
            if (m.status() != MemberResult.Status.TRAINED) {
                throw new IllegalStateException("member " + m.name() + " " + m.status().name().toLowerCase(Locale.ROOT) + ": " + m.reason());
            }
        }
        return report;
    }

    /** Copies the registered artifacts into {@code dir} and writes its manifest.json. */
    private static void writeEnsemble(Path dir, TrainingReport report, List<Part> parts, Path data) throws Exception {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", "tutti-ensemble");
        manifest.put("formatVersion", 1);
        manifest.put("name", NAME);
        manifest.put("version", VERSION);
        manifest.put("description", "Throughput benchmark ensemble: two wide MLPs (1024x512, 768x768) trained by tutti train on "
                + data.getFileName() + " plus two boosted tree members (XGBoost depth 6, LightGBM 63 leaves), equal weights"
                + " (a load fixture, not selected for accuracy)");
        ArrayNode members = JSON.createArrayNode();
        ObjectNode weights = JSON.createObjectNode();
        ObjectNode cv = JSON.createObjectNode();
        ObjectNode provenance = JSON.createObjectNode();
        provenance.put("builtBy", GpuEnsembleFixture.class.getName());
        provenance.put("combiner", "equal weights");
        ObjectNode membersProvenance = JSON.createObjectNode();
        JsonNode schema = null;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            MemberResult result = report.members().get(i);
            RegisteredMember registered = RegisteredMember.read(
                    report.registry().resolve("models").resolve(result.name()).resolve(Integer.toString(result.version())));
            registered.spec(); // checks the registered artifact against its recorded sha256
            JsonNode member = registered.json().node();
            if (schema == null) {
                manifest.put("task", registered.task().name().toLowerCase(Locale.ROOT));
                if (registered.task() != Task.REGRESSION) {
                    registered.classes().forEach(manifest.putArray("classes")::add);
                }
                schema = member.get("schema");
                manifest.set("schema", schema.deepCopy());
                provenance.set("data", member.at("/lineage/data").deepCopy());
                provenance.set("seed", member.at("/lineage/seed").deepCopy());
                provenance.set("folds", member.at("/lineage/folds").deepCopy());
                provenance.set("tools", member.at("/lineage/tools").deepCopy());
            }
            String artifact = "members/" + part.name() + "/1/" + registered.artifact();
            Path copy = dir.resolve(artifact);
            Files.createDirectories(copy.getParent());
            Files.copy(registered.directory().resolve(registered.artifact()), copy);
            ObjectNode entry = members.addObject();
            entry.put("name", part.name());
            entry.put("version", 1);
            entry.put("format", registered.format());
            entry.put("artifact", artifact);
            entry.put("sha256", Artifacts.sha256(copy));
            JsonNode options = member.at("/artifact/options");
            if (options.isObject() && !options.isEmpty()) {
                entry.set("options", options.deepCopy());
            }
            if (!member.get("schema").equals(schema)) {
                entry.set("schema", member.get("schema").deepCopy());
            }
            weights.put(part.name(), 1.0 / parts.size());
            cv.set(part.name(), member.at("/metrics/cv").deepCopy());
            ObjectNode origin = membersProvenance.putObject(part.name());
            origin.put("registeredAs", registered.name() + "@" + registered.version());
            origin.put("family", registered.family());
            origin.put("recipe", part.recipe().id());
            origin.set("hyperParameters", member.get("hyperParameters").deepCopy());
            origin.set("encoding", member.get("encoding").deepCopy());
            origin.set("servedParity", member.get("servedParity").deepCopy());
            origin.set("trainingSeconds", member.at("/metrics/trainingSeconds").deepCopy());
        }
        manifest.set("members", members);
        ObjectNode combiner = manifest.putObject("combiner");
        combiner.put("type", "weighted-average");
        combiner.set("weights", weights);
        manifest.put("confidence", "agreement");
        manifest.putObject("metrics").set("outOfFold", cv);
        provenance.set("members", membersProvenance);
        manifest.set("provenance", provenance);
        JSON.writeValue(dir.resolve(ManifestReader.FILE).toFile(), manifest);
    }

    /**
     * Encodes the first {@value #FIXTURE_ROWS} rows of the CSV (read as the trainer reads it) with the
     * ensemble's schema and writes them to {@code rows.f32} and {@code rows.txt}.
     *
     * @return the encoded rows, row-major
     */
    private static float[] writeRows(Path data, InputSchema schema, Path home) throws Exception {
        CsvTable table = CsvTable.read(data);
        int rows = Math.min(FIXTURE_ROWS, table.rowCount());
        int width = schema.width();
        float[] encoded = new float[rows * width];
        TextRowEncoder encoder = new TextRowEncoder(schema, table.header());
        FloatBuffer into = FloatBuffer.wrap(encoded);
        for (int r = 0; r < rows; r++) {
            encoder.encode(Arrays.asList(table.row(r)), r, into, r * width);
        }
        ByteBuffer bytes = ByteBuffer.allocate(encoded.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(encoded);
        Files.write(home.resolve("rows.f32"), bytes.array());
        Files.writeString(home.resolve("rows.txt"), "rows=" + rows + " width=" + width + "\n");
        System.out.printf(Locale.ROOT, "rows.f32: %d rows x %d features (%d bytes)%n", rows, width, bytes.capacity());
        return encoded;
    }

    /**
     * Scores the first rows through the engine's scorer; every member must answer and match the
     * trainer's own predictions of the same rows.
     */
    private static void check(Ensemble ensemble, float[] rows, TrainingReport report) {
        int width = ensemble.manifest().schema().width();
        int count = Math.min(CHECK_ROWS, rows.length / width);
        Predictions predictions = new Predictions(ensemble, count);
        ensemble.newScorer(count).score(direct(rows, 0, count * width), count, predictions);
        if (predictions.degraded()) {
            throw new IllegalStateException("members missing from the check batch: " + predictions.membersMissing());
        }
        MemberRuntimes runtimes = MemberRuntimes.discover();
        List<Member> members = ensemble.members();
        int outputs = ensemble.manifest().outputs();
        System.out.printf(Locale.ROOT, "%s loaded; %d rows scored through the engine's scorer%n", ensemble, count);
        for (int m = 0; m < members.size(); m++) {
            double[] expected = report.members().get(m).trainerPredictions();
            double worst = 0;
            for (int r = 0; r < Math.min(count, expected.length / outputs); r++) {
                for (int o = 0; o < outputs; o++) {
                    double e = expected[r * outputs + o];
                    worst = Math.max(worst, Math.abs(predictions.memberOutput(m, o, r) - e) / Math.max(1, Math.abs(e)));
                }
            }
            Member member = members.get(m);
            System.out.printf(Locale.ROOT, "  %-14s runtime %-18s max difference from the trainer %.2g%n", member.spec().name(),
                    runtime(runtimes, member), worst);
            if (worst > PARITY_TOLERANCE) {
                throw new IllegalStateException(member.spec().pin() + " differs from the trainer's predictions by " + worst);
            }
        }
        System.out.print("  row  label   value  agreement");
        members.forEach(member -> System.out.printf(Locale.ROOT, "  %14s", member.spec().name()));
        System.out.println();
        for (int r = 0; r < Math.min(5, count); r++) {
            System.out.printf(Locale.ROOT, "  %3d  %5s  %6.4f  %9.4f", r, predictions.label(r), predictions.value(r), predictions.agreement(r));
            for (int m = 0; m < members.size(); m++) {
                System.out.printf(Locale.ROOT, "  %14.4f", predictions.memberOutput(m, 0, r));
            }
            System.out.println();
        }
    }

    /**
     * The runtime that loaded {@code member}: the one a switchable member reports, else the first
     * provider by rank that takes its format and is available (the order {@link MemberRuntimes#load} tries).
     */
    private static String runtime(MemberRuntimes runtimes, Member member) {
        if (member instanceof RuntimeStatus status) {
            return status.activeRuntime();
        }
        return runtimes.providers().stream()
                .filter(p -> p.formats().contains(member.spec().format()) && p.unavailableReason(member.spec()).isEmpty())
                .map(MemberRuntimeProvider::name)
                .findFirst()
                .orElse(member.getClass().getSimpleName());
    }

    /** Prints each artifact's size and each member's median time for one batch of {@value #CHECK_ROWS} rows. */
    private static void time(Ensemble ensemble, float[] rows) throws Exception {
        int width = ensemble.manifest().schema().width();
        int count = Math.min(CHECK_ROWS, rows.length / width);
        FloatBuffer batch = direct(rows, 0, count * width);
        ScoreMatrix scores = new ScoreMatrix(1, ensemble.manifest().outputs(), count);
        scores.rows(count);
        MemberOutput output = new MemberOutput().wrap(scores, 0);
        long[] medians = new long[ensemble.members().size()];
        for (int m = 0; m < medians.length; m++) {
            Member member = ensemble.members().get(m);
            long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
            for (int i = 0; i < WARM_UP_CALLS || System.nanoTime() < warmUpEnd; i++) {
                member.score(batch, count, output);
            }
            long[] took = new long[TIMED_CALLS];
            for (int i = 0; i < TIMED_CALLS; i++) {
                long start = System.nanoTime();
                member.score(batch, count, output);
                took[i] = System.nanoTime() - start;
            }
            Arrays.sort(took);
            medians[m] = took[TIMED_CALLS / 2];
        }
        long total = Arrays.stream(medians).sum();
        System.out.printf(Locale.ROOT, "one batch of %d rows, each member called directly on this machine (%d cores; median of %d calls"
                + " after %d s of warm-up):%n", count, Runtime.getRuntime().availableProcessors(), TIMED_CALLS, WARM_UP_NANOS / 1_000_000_000L);
        System.out.printf(Locale.ROOT, "  %-14s %-14s %12s %12s %10s %7s%n", "member", "format", "artifact", "batch", "per row", "share");
        for (int m = 0; m < medians.length; m++) {
            Member member = ensemble.members().get(m);
            System.out.printf(Locale.ROOT, "  %-14s %-14s %9.2f MB %9.3f ms %7.2f us %6.1f%%%n", member.spec().name(),
                    member.spec().format(), Files.size(member.spec().artifact()) / 1e6, medians[m] / 1e6,
                    medians[m] / 1e3 / count, 100.0 * medians[m] / total);
        }
        System.out.printf(Locale.ROOT, "  %-14s %-14s %12s %9.3f ms %7.2f us%n", "all members", "", "", total / 1e6, total / 1e3 / count);
    }

    /** {@code length} floats of {@code rows} from {@code offset}, in a direct native-order buffer (what the engine passes members). */
    private static FloatBuffer direct(float[] rows, int offset, int length) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(0, rows, offset, length);
        return buffer;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
