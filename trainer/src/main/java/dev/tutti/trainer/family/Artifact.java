package dev.tutti.trainer.family;

import java.util.Map;

/**
 * A saved member file and what serving needs to load it. Immutable.
 *
 * @param file the file name inside the member's directory
 * @param format a {@link dev.tutti.engine.spi.ModelFormats} id
 * @param options the member's format options for its {@code ModelSpec} (may be empty)
 * @param encoding how the member turns raw rows into what the model learned from (written to the
 *     registry for people and tools; the artifact itself already does it)
 */
public record Artifact(String file, String format, Map<String, String> options, Map<String, Object> encoding) {
    public Artifact {
        options = Map.copyOf(options);
        encoding = Map.copyOf(encoding);
    }
}
