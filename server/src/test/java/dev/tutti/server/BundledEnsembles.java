package dev.tutti.server;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** The ensembles bundled in {@code ensembles/} and the golden data set each was built from. */
final class BundledEnsembles {
    static final Map<String, String> DATASET_OF = Map.of("spam", "spam", "telco-churn", "telco");

    private BundledEnsembles() {}

    static Path directory(String ensemble) {
        return GoldenSet.repoRoot().resolve("ensembles").resolve(ensemble).resolve("1");
    }

    static Ensemble load(String ensemble) throws Exception {
        return EnsembleLoader.withDiscoveredRuntimes().load(directory(ensemble));
    }

    /** A writable copy of an ensemble version, for tests that change or break it. */
    static Path copy(String ensemble, Path into) {
        Path source = directory(ensemble);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path target = into.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return into;
    }
}
