package dev.tutti.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.trainer.MemberResult.Status;
import dev.tutti.trainer.plan.MemberRecipe;
import dev.tutti.trainer.registry.ModelRegistry;
import dev.tutti.trainer.registry.RegisteredMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run-level behaviour on a telco churn subset: determinism, versions, interruption and the time budget. */
class TrainingRunTest {
    @TempDir
    Path dir;

    private Path csv;

    @BeforeEach
    void subset() throws Exception {
        csv = TestData.subset("telco_churn", 1200, 5, dir);
    }

    private TrainingConfig config(Path registry, long seed, Duration budget) {
        return new TrainingConfig(csv, "churn", registry, "t", null, 3, seed, TestData.tinyPlan(), budget, List.of(), 32);
    }

    /** Member name to the sha256 of its artifact and of its oof.csv, version 1. */
    private static Map<String, String> fingerprints(Path registry, TrainingReport report) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (MemberResult m : report.with(Status.TRAINED)) {
            RegisteredMember r = RegisteredMember.read(registry.resolve("models").resolve(m.name()).resolve(Integer.toString(m.version())));
            out.put(m.name(), r.sha256() + " " + r.oofSha256());
        }
        return out;
    }

    @Test
    void shouldWriteIdenticalArtifactsAndOutOfFoldPredictionsForTheSameSeed() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        TrainingReport first = new LibraryTrainer(config(a, 11, null), TrainingListener.NONE).run();
        TrainingReport second = new LibraryTrainer(config(b, 11, null), TrainingListener.NONE).run();
        TrainingReport otherSeed = new LibraryTrainer(config(c, 12, null), TrainingListener.NONE).run();

        assertThat(first.with(Status.TRAINED)).hasSize(TestData.tinyPlan().size());
        Map<String, String> expected = fingerprints(a, first);
        assertThat(fingerprints(b, second)).isEqualTo(expected);
        for (MemberResult m : first.members()) {
            Path one = a.resolve("models").resolve(m.name()).resolve("1");
            Path two = b.resolve("models").resolve(m.name()).resolve("1");
            assertThat(Files.mismatch(one.resolve("oof.csv"), two.resolve("oof.csv"))).as(m.name() + " oof.csv").isEqualTo(-1);
        }
        Map<String, String> different = fingerprints(c, otherSeed);
        long same = expected.entrySet().stream().filter(e -> e.getValue().equals(different.get(e.getKey()))).count();
        assertThat(same).as("members identical under another seed").isZero();
    }

    @Test
    void shouldAddANewImmutableVersionWhenRetrainedAndLeaveTheOldOneAlone() throws Exception {
        Path registry = dir.resolve("registry");
        TrainingReport first = new LibraryTrainer(config(registry, 1, null), TrainingListener.NONE).run();
        Map<String, String> before = fingerprints(registry, first);
        Path oneDir = registry.resolve("models").resolve(first.members().getFirst().name()).resolve("1");
        long modified = Files.getLastModifiedTime(oneDir.resolve("member.json")).toMillis();

        TrainingReport second = new LibraryTrainer(config(registry, 2, null), TrainingListener.NONE).run();

        assertThat(second.libraryVersion()).isEqualTo(2);
        assertThat(second.with(Status.TRAINED)).allSatisfy(m -> assertThat(m.version()).isEqualTo(2));
        assertThat(fingerprints(registry, first)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(oneDir.resolve("member.json")).toMillis()).isEqualTo(modified);
        ModelRegistry reg = new ModelRegistry(registry);
        assertThat(reg.versions(ModelRegistry.LIBRARIES, "t")).containsExactly(1, 2);
        assertThat(reg.versions(ModelRegistry.MODELS, first.members().getFirst().name())).containsExactly(1, 2);
    }

    @Test
    void shouldLeaveOnlyCompleteMembersAndNoLibraryWhenCancelledMidMember() throws Exception {
        Path registry = dir.resolve("registry");
        LibraryTrainer[] trainer = new LibraryTrainer[1];
        TrainingListener cancelDuringSecondMember = new TrainingListener() {
            @Override
            public void fitFinished(int index, MemberRecipe recipe, int fit, Duration took) {
                if (index == 1 && fit == 1) {
                    trainer[0].cancel();
                }
            }
        };
        trainer[0] = new LibraryTrainer(config(registry, 1, null), cancelDuringSecondMember);

        TrainingReport report = trainer[0].run();

        assertThat(report.cancelled()).isTrue();
        assertThat(report.libraryVersion()).isZero();
        assertThat(report.with(Status.TRAINED)).extracting(MemberResult::name).containsExactly(report.members().getFirst().name());
        assertThat(report.with(Status.SKIPPED)).hasSize(TestData.tinyPlan().size() - 1);
        assertThat(registry.resolve("libraries")).doesNotExist();
        List<String> registered;
        try (Stream<Path> models = Files.list(registry.resolve("models"))) {
            registered = models.filter(p -> Files.exists(p.resolve("1"))).map(p -> p.getFileName().toString()).toList();
        }
        assertThat(registered).containsExactly(report.members().getFirst().name());
        RegisteredMember survivor = RegisteredMember.read(registry.resolve("models").resolve(registered.getFirst()).resolve("1"));
        assertThat(Artifacts.sha256(survivor.directory().resolve(survivor.artifact()))).isEqualTo(survivor.sha256());
        assertThat(stagingLeftOvers(registry)).isEmpty();
    }

    @Test
    void shouldCancelARegistryWriteInFlightWithoutPublishingIt() throws Exception {
        Path registry = dir.resolve("registry");
        LibraryTrainer[] trainer = new LibraryTrainer[1];
        TrainingListener cancelAtTheRefit = new TrainingListener() {
            @Override
            public void fitFinished(int index, MemberRecipe recipe, int fit, Duration took) {
                if (fit == 3) { // the refit ended; the member is being written to staging next
                    trainer[0].cancel();
                }
            }
        };
        trainer[0] = new LibraryTrainer(config(registry, 1, null), cancelAtTheRefit);

        TrainingReport report = trainer[0].run();

        assertThat(report.with(Status.TRAINED)).isEmpty();
        assertThat(report.members().getFirst().reason()).contains("cancelled");
        try (Stream<Path> versions = Files.walk(registry.resolve("models"))) {
            assertThat(versions.filter(p -> p.getFileName().toString().equals("member.json")).toList()).isEmpty();
        }
        assertThat(stagingLeftOvers(registry)).isEmpty();
    }

    @Test
    void shouldSkipAndReportMembersThatDoNotFitTheTimeBudget() throws Exception {
        Duration budget = Duration.ofSeconds(3);
        TrainingListener slowFirstMember = new TrainingListener() {
            @Override
            public void memberFinished(int index, MemberResult result) {
                if (index == 0) {
                    try {
                        Thread.sleep(budget.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Path registry = dir.resolve("registry");

        TrainingReport report = new LibraryTrainer(config(registry, 1, budget), slowFirstMember).run();

        assertThat(report.with(Status.TRAINED)).hasSize(1);
        assertThat(report.with(Status.SKIPPED)).hasSize(TestData.tinyPlan().size() - 1)
                .allSatisfy(m -> assertThat(m.reason()).startsWith("time budget"));
        String library = Files.readString(registry.resolve("libraries/t/1/library.json"));
        for (MemberResult m : report.with(Status.SKIPPED)) {
            assertThat(library).contains(m.name());
        }
    }

    private static List<Path> stagingLeftOvers(Path registry) throws Exception {
        Path staging = registry.resolve(".staging");
        if (!Files.exists(staging)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(staging)) {
            return new ArrayList<>(children.toList());
        }
    }
}
