package dev.tutti.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.trainer.MemberResult.Status;
import dev.tutti.trainer.registry.ModelRegistry;
import dev.tutti.trainer.registry.RegisteredMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small libraries (one member of each kind, few rounds) trained on the vendored real datasets, one
 * per task, checked the way a user of the registry would: every member registered, an out-of-fold
 * prediction for every training row, and the served member (read back from the registry, loaded
 * by the engine's runtimes, fed the raw CSV text) reproducing the training library's predictions.
 */
class LibraryTrainerTest {
    private static final int FOLDS = 3;
    private static final int PARITY_ROWS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static Stream<Arguments> datasets() {
        return Stream.of(
                Arguments.of("telco_churn", "churn", 0, Task.BINARY, List.of("No", "Yes")),
                Arguments.of("credit", "Status", 0, Task.BINARY, List.of("bad", "good")),
                Arguments.of("letters", "lettr", 1500, Task.MULTICLASS, null),
                Arguments.of("diamonds", "price", 1500, Task.REGRESSION, List.of()));
    }

    private Path data(String dataset, int subsample) throws Exception {
        if (subsample == 0) {
            return TestData.dataset(dataset);
        }
        long lines;
        try (Stream<String> all = Files.lines(TestData.dataset(dataset))) {
            lines = all.count() - 1;
        }
        return TestData.subset(dataset, subsample, (int) (lines / subsample), dir);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void shouldRegisterEveryMemberWithOutOfFoldPredictionsAndServedParity(String dataset, String target, int subsample, Task task,
            List<String> classes) throws Exception {
        Path csv = data(dataset, subsample);
        Path registry = dir.resolve("registry");
        TrainingConfig config = new TrainingConfig(csv, target, registry, "lib", null, FOLDS, 7, TestData.tinyPlan(), null, List.of(),
                PARITY_ROWS);

        TrainingReport report = new LibraryTrainer(config, TrainingListener.NONE).run();

        assertThat(report.with(Status.FAILED)).as("failed members").isEmpty();
        assertThat(report.with(Status.TRAINED)).hasSize(config.plan().size());
        assertThat(report.schema().task()).isEqualTo(task);
        if (classes != null) {
            assertThat(report.schema().classes()).isEqualTo(classes);
        } else {
            assertThat(report.schema().classes()).hasSize(26).startsWith("A", "B").endsWith("Z");
        }
        Set<String> families = new HashSet<>();
        for (MemberResult member : report.members()) {
            families.add(member.recipe().family());
            Path memberDir = registry.resolve(ModelRegistry.MODELS).resolve(member.name()).resolve("1");
            checkRegistered(memberDir, member, report);
            checkOutOfFold(memberDir, report, task, member);
            double[] served = ServedCheck.serve(memberDir, csv, PARITY_ROWS);
            assertThat(ServedCheck.maxRelativeDifference(served, member.trainerPredictions(), targetScale(memberDir, task)))
                    .as("served %s (%s) vs the trainer's own predictions", member.name(), member.format())
                    .isLessThanOrEqualTo(ServedParity.tolerance(member.format()));
            assertThat(member.parity().checked()).isTrue();
        }
        assertThat(families).containsExactlyInAnyOrder("xgboost", "lightgbm", "linear", "mlp");
        JsonNode library = JSON.readTree(registry.resolve("libraries/lib/1/library.json").toFile());
        assertThat(library.get("members")).hasSize(config.plan().size());
        assertThat(library.get("failed")).isEmpty();
        assertThat(Files.readString(registry.resolve("libraries/lib/1/cv.txt"))).contains(report.members().getFirst().name() + "@1");
    }

    /** 1 for classes; for regression the standard deviation of the targets in oof.csv, as the trainer's check uses. */
    private static double targetScale(Path memberDir, Task task) throws Exception {
        if (task != Task.REGRESSION) {
            return 1;
        }
        double[] y = Files.readAllLines(memberDir.resolve("oof.csv")).stream().skip(1)
                .mapToDouble(line -> Double.parseDouble(line.split(",")[2])).toArray();
        double mean = java.util.Arrays.stream(y).average().orElseThrow();
        return Math.max(1, Math.sqrt(java.util.Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / y.length));
    }

    private static void checkRegistered(Path memberDir, MemberResult member, TrainingReport report) throws Exception {
        RegisteredMember registered = RegisteredMember.read(memberDir);
        assertThat(registered.version()).isEqualTo(1);
        assertThat(registered.format()).isEqualTo(member.format());
        assertThat(Artifacts.sha256(memberDir.resolve(registered.artifact()))).isEqualTo(registered.sha256());
        assertThat(Artifacts.sha256(memberDir.resolve(registered.oofFile()))).isEqualTo(registered.oofSha256());
        assertThat(registered.schema()).isEqualTo(report.schema().features());
        assertThat(registered.classes()).isEqualTo(report.schema().classes());
        JsonNode json = registered.json().node();
        assertThat(json.at("/lineage/data/sha256").asText()).isEqualTo(report.dataSha256());
        assertThat(json.at("/lineage/seed").asLong()).isEqualTo(7);
        assertThat(json.at("/lineage/tools/tutti").asText()).isNotBlank().isNotEqualTo("unknown");
        assertThat(json.at("/lineage/finishedAt").asText()).isNotBlank();
        assertThat(json.at("/hyperParameters").size()).isEqualTo(member.recipe().params().size());
        assertThat(json.at("/encoding/categorical").asText()).isNotBlank();
        assertThat(json.at("/metrics/cv").size()).isEqualTo(member.cv().size());
        assertThat(json.at("/metrics/folds")).hasSize(FOLDS);
    }

    private static void checkOutOfFold(Path memberDir, TrainingReport report, Task task, MemberResult member) throws Exception {
        OofFile oof = OofFile.read(memberDir.resolve("oof.csv"));
        int n = report.rows();
        assertThat(oof.rows()).as("one OOF line per training row, in row order").hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(oof.rows()[i]).isEqualTo(i);
            assertThat(oof.folds()[i]).isBetween(0, FOLDS - 1);
            assertThat(oof.predictions()[i]).hasSize(report.schema().outputs()).doesNotContain(Double.NaN);
            if (task == Task.MULTICLASS) {
                assertThat(Stream.of(oof.predictions()[i]).flatMapToDouble(java.util.Arrays::stream).sum()).isCloseTo(1, within(1e-4));
            } else if (task == Task.BINARY) {
                assertThat(oof.predictions()[i][0]).isBetween(0.0, 1.0);
            }
        }
        long[] perFold = new long[FOLDS];
        for (int f : oof.folds()) {
            perFold[f]++;
        }
        for (long count : perFold) {
            assertThat(count).isBetween((long) n / FOLDS - 1, (long) n / FOLDS + 1);
        }
        // the CV metrics recorded are those of the OOF file's predictions, which are not the refit's in-sample ones
        int outputs = report.schema().outputs();
        double[] flat = new double[n * outputs];
        double[] targets = new double[n];
        List<String> lines = Files.readAllLines(memberDir.resolve("oof.csv"));
        for (int i = 0; i < n; i++) {
            System.arraycopy(oof.predictions()[i], 0, flat, i * outputs, outputs);
            targets[i] = Double.parseDouble(lines.get(i + 1).split(",")[2]);
        }
        var recomputed = dev.tutti.trainer.metrics.CvMetrics.compute(task, outputs, targets, java.util.stream.IntStream.range(0, n).toArray(), flat);
        recomputed.forEach((metric, value) -> assertThat(member.cv().get(metric)).as(metric).isCloseTo(value, within(1e-9)));
        double[] firstRows = java.util.Arrays.copyOf(flat, member.trainerPredictions().length);
        assertThat(ServedCheck.maxRelativeDifference(firstRows, member.trainerPredictions())).as("OOF vs in-sample refit").isGreaterThan(1e-6);
    }
}
