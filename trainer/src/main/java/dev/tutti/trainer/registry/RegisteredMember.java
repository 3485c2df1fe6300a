package dev.tutti.trainer.registry;

import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.JsonFields;
import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.manifest.SchemaJson;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A member version read back from a registry ({@code models/NAME/VERSION/member.json}, see
 * docs/training.md): what serving needs to load it, checked. {@link #spec()} verifies the
 * artifact's sha256 before handing out a {@link ModelSpec}.
 *
 * <p>Threads: immutable.
 */
public record RegisteredMember(
        Path directory,
        String name,
        int version,
        String family,
        String format,
        String artifact,
        String sha256,
        Task task,
        List<String> classes,
        InputSchema schema,
        Map<String, String> options,
        String oofFile,
        String oofSha256,
        int oofRows,
        JsonFields json) {

    public static final String FILE = "member.json";

    /** Reads {@code directory/member.json}; errors name the field. */
    public static RegisteredMember read(Path directory) throws ManifestException {
        JsonFields json = JsonFields.read(directory.resolve(FILE));
        if (!"tutti-member".equals(json.string("format"))) {
            throw json.error("format", "expected \"tutti-member\"");
        }
        JsonFields artifact = json.object("artifact");
        Task task;
        try {
            task = Task.valueOf(json.string("task").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw json.error("task", "expected binary, multiclass or regression");
        }
        Map<String, String> options = new LinkedHashMap<>();
        JsonFields optionNode = artifact.optionalObject("options");
        if (optionNode != null) {
            optionNode.node().properties().forEach(e -> options.put(e.getKey(), e.getValue().asText()));
        }
        String sha = artifact.string("sha256");
        if (!Artifacts.isSha256(sha)) {
            throw artifact.error("sha256", "expected 64 lower-case hex digits");
        }
        JsonFields oof = json.object("oof");
        return new RegisteredMember(directory, json.string("name"), json.integer("version"), json.string("family"),
                artifact.string("format"), artifact.string("file"), sha, task,
                json.has("classes") ? json.strings("classes") : List.of(), SchemaJson.read(json.object("schema")),
                Map.copyOf(options), oof.string("file"), oof.string("sha256"), oof.integer("rows"), json);
    }

    /** The member as serving loads it, after checking its artifact against the pinned sha256. */
    public ModelSpec spec() throws ManifestException {
        Path file = Artifacts.resolveInside(directory, artifact, name + "@" + version);
        Artifacts.verify(file, sha256, "member " + name + "@" + version);
        return new ModelSpec(name, version, format, file, sha256, schema, task, task == Task.REGRESSION ? 0 : classes.size(), options);
    }
}
