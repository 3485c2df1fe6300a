package dev.tutti.engine.manifest;

import dev.tutti.engine.schema.InputSchema;
import java.util.Map;

/**
 * One member as the manifest pins it.
 *
 * @param name unique in the ensemble
 * @param version the member's integer version; with the name, its pin {@code name@version}
 * @param format artifact format id (see {@link dev.tutti.engine.spi.ModelFormats})
 * @param artifact path of the model file, relative to the ensemble directory
 * @param sha256 the artifact's pinned digest (lower-case hex)
 * @param schema the member's own input schema, or null when it takes the ensemble's rows as they are
 * @param options format-specific settings passed to the runtime
 */
public record MemberEntry(
        String name, int version, String format, String artifact, String sha256, InputSchema schema, Map<String, String> options) {

    public MemberEntry {
        options = Map.copyOf(options);
    }

    public String pin() {
        return name + "@" + version;
    }
}
