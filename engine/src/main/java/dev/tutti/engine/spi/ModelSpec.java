package dev.tutti.engine.spi;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.InputSchema;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime needs to load one member: which file, in which format, what rows it takes
 * and what it returns. The artifact's sha256 has been verified by the loader before a runtime sees
 * the spec.
 *
 * @param name member name, unique within an ensemble
 * @param version the member's integer version
 * @param format artifact format id, one of {@link ModelFormats} (or a format a plug-in runtime adds)
 * @param artifact absolute path of the model file
 * @param sha256 lower-case hex digest of the artifact
 * @param schema the rows the member takes, in its own feature order and category codes
 * @param task what it predicts
 * @param classes number of classes (2 for binary, K for multiclass, 0 for regression)
 * @param options format-specific settings (for example an ONNX output name); never null
 */
public record ModelSpec(
        String name,
        int version,
        String format,
        Path artifact,
        String sha256,
        InputSchema schema,
        Task task,
        int classes,
        Map<String, String> options) {

    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(task, "task");
        options = options == null ? Map.of() : Map.copyOf(options);
        if (task == Task.BINARY && classes != 2) {
            throw new IllegalArgumentException("member " + name + ": a binary member has 2 classes, not " + classes);
        }
        if (task == Task.MULTICLASS && classes < 3) {
            throw new IllegalArgumentException("member " + name + ": a multiclass member needs 3 or more classes, not " + classes);
        }
    }

    /** Scores per row this member writes (see {@link Task#outputs(int)}). */
    public int outputs() {
        return task.outputs(classes);
    }

    /** {@code name@version}, the member's pin. */
    public String pin() {
        return name + "@" + version;
    }

    public String option(String key, String defaultValue) {
        return options.getOrDefault(key, defaultValue);
    }
}
