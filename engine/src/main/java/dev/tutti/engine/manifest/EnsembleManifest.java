package dev.tutti.engine.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tutti.combine.Combiner;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.InputSchema;
import java.nio.file.Path;
import java.util.List;

/**
 * An immutable ensemble version as read from {@code manifest.json} (format documented in
 * docs/formats.md): what it predicts, the rows it takes, its pinned members, the fitted combiner,
 * and where it came from. Reading checks the structure; {@link ManifestReader} builds the combiner.
 *
 * @param directory the ensemble version's directory; artifacts are resolved inside it
 * @param name ensemble name
 * @param version integer version
 * @param description one line for people
 * @param task what it predicts
 * @param classes class labels in class-index order (empty for regression)
 * @param schema the rows callers send
 * @param members the pinned members, in combiner order
 * @param combiner the fitted combiner over {@code members}
 * @param confidence which measure fills a row's {@code confidence}
 * @param spreadScale the regression agreement scale (a target standard deviation); 1 when absent
 * @param metrics measured quality, as written by the builder (free-form, for reports)
 * @param provenance who built it from what, as written by the builder (free-form)
 */
public record EnsembleManifest(
        Path directory,
        String name,
        int version,
        String description,
        Task task,
        List<String> classes,
        InputSchema schema,
        List<MemberEntry> members,
        Combiner combiner,
        ConfidenceMeasure confidence,
        double spreadScale,
        JsonNode metrics,
        JsonNode provenance) {

    public EnsembleManifest {
        classes = List.copyOf(classes);
        members = List.copyOf(members);
    }

    /** Outputs per row of every member and of the combined answer. */
    public int outputs() {
        return task.outputs(classes.size());
    }

    /** {@code name@version}. */
    public String pin() {
        return name + "@" + version;
    }
}
