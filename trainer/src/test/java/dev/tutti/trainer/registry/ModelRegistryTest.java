package dev.tutti.trainer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path dir;

    private static ModelRegistry.VersionWriter file(String content) {
        return (version, directory) -> Files.writeString(directory.resolve("a.txt"), content + version);
    }

    @Test
    void shouldNumberVersionsFromOneUpwards() throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        assertThat(registry.publish("models", "m", file("x"))).isEqualTo(1);
        assertThat(registry.publish("models", "m", file("x"))).isEqualTo(2);
        assertThat(registry.publish("models", "other", file("x"))).isEqualTo(1);

        assertThat(registry.versions("models", "m")).containsExactly(1, 2);
        assertThat(Files.readString(registry.directory("models", "m", 2).resolve("a.txt"))).isEqualTo("x2");
        assertThat(registry.names("models")).containsExactly("m", "other");
    }

    @Test
    void shouldPublishNothingWhenTheWriterFailsHalfway() throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        registry.publish("models", "m", file("x"));

        assertThatThrownBy(() -> registry.publish("models", "m", (version, directory) -> {
            Files.writeString(directory.resolve("model.json"), "{\"half\": ");
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(registry.versions("models", "m")).containsExactly(1);
        try (Stream<Path> staged = Files.list(dir.resolve(ModelRegistry.STAGING))) {
            assertThat(staged.toList()).isEmpty();
        }
        assertThat(registry.publish("models", "m", file("x"))).isEqualTo(2);
        assertThatThrownBy(() -> registry.publish("models", "first", (version, directory) -> {
            throw new IOException("interrupted");
        })).hasMessage("interrupted");
        assertThat(registry.names("models")).containsExactly("m");
    }

    @Test
    void shouldRemoveStagingLeftByAProcessThatIsGoneButKeepALiveOnes() throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        Path staging = Files.createDirectories(dir.resolve(ModelRegistry.STAGING));
        Path crashed = Files.createDirectories(staging.resolve(deadPid() + "-abc"));
        Files.writeString(crashed.resolve("model.json"), "{");
        Path live = Files.createDirectories(staging.resolve(ProcessHandle.current().pid() + "-def"));

        registry.cleanStaging();

        assertThat(crashed).doesNotExist();
        assertThat(live).exists();
        assertThat(registry.names("models")).isEmpty();
    }

    @Test
    void shouldGiveConcurrentWritersDistinctVersions() throws Exception {
        ModelRegistry registry = new ModelRegistry(dir);
        int writers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Integer> versions = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = Stream.generate(() -> Thread.ofPlatform().unstarted(() -> {
            try {
                start.await();
                for (int i = 0; i < 5; i++) {
                    versions.add(registry.publish("models", "m", file("t")));
                }
            } catch (Exception e) {
                errors.add(e);
            }
        })).limit(writers).toList();
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(errors).isEmpty();
        assertThat(versions).hasSize(20).doesNotHaveDuplicates();
        assertThat(registry.versions("models", "m")).hasSize(20).startsWith(1).endsWith(20);
    }

    @Test
    void shouldRefuseNamesThatCouldEscapeTheRegistry() {
        ModelRegistry registry = new ModelRegistry(dir);
        for (String name : List.of("..", "../x", "a/b", ".hidden", "")) {
            assertThatThrownBy(() -> registry.publish("models", name, file("x"))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** A pid no process has: one above the system's maximum, or a very large one. */
    private static long deadPid() {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return pid;
    }
}
