package dev.tutti.transport.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Which ensemble a request is for: a name and either a version or an alias (or neither: the
 * highest version served).
 *
 * @param name the ensemble's name, 1 to 255 UTF-8 bytes
 * @param version a version number, or 0 when not given
 * @param alias an alias such as {@code champion}, or empty; 0 to 255 UTF-8 bytes
 */
public record EnsembleRef(String name, int version, String alias) {
    public static final int MAX_STRING_BYTES = 255;

    public EnsembleRef {
        Objects.requireNonNull(name, "name");
        alias = alias == null ? "" : alias;
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes < 1 || nameBytes > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("an ensemble name has 1 to 255 UTF-8 bytes: '" + name + "'");
        }
        if (alias.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("an alias has at most 255 UTF-8 bytes: '" + alias + "'");
        }
        if (version < 0) {
            throw new IllegalArgumentException("a version is positive, or 0 for none: " + version);
        }
        if (version > 0 && !alias.isEmpty()) {
            throw new IllegalArgumentException("name a version or an alias, not both: " + version + ", '" + alias + "'");
        }
    }

    /** The highest version served of {@code name}. */
    public static EnsembleRef latest(String name) {
        return new EnsembleRef(name, 0, "");
    }

    public static EnsembleRef of(String name, int version) {
        return new EnsembleRef(name, version, "");
    }

    public static EnsembleRef alias(String name, String alias) {
        return new EnsembleRef(name, 0, alias);
    }

    @Override
    public String toString() {
        return name + (version > 0 ? "@" + version : alias.isEmpty() ? "" : "@" + alias);
    }
}
