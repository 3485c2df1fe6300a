package dev.tutti.engine.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Modified copies of a bundled manifest, written as {@code manifest.json} into a test's directory. */
final class ManifestCopies {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ManifestCopies() {}

    static Path ensemble(String name) {
        return GoldenSet.repoRoot().resolve("ensembles").resolve(name).resolve("1");
    }

    /** A fresh, mutable tree of a bundled ensemble's manifest. */
    static ObjectNode bundled(String name) {
        try {
            return (ObjectNode) MAPPER.readTree(ensemble(name).resolve(ManifestReader.FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code manifest} as {@code dir/manifest.json} and returns {@code dir}. */
    static Path write(Path dir, ObjectNode manifest) {
        try {
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ManifestReader.FILE).toFile(), manifest);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeText(Path dir, String text) {
        try {
            Files.writeString(dir.resolve(ManifestReader.FILE), text);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
