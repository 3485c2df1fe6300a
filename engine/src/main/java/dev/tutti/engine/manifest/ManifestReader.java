package dev.tutti.engine.manifest;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.InputSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and checks an ensemble version's {@code manifest.json}. Every error names the field
 * ({@code manifest.json: members[1].sha256: ...}). Artifacts are not opened here: the
 * {@link dev.tutti.engine.ensemble.EnsembleLoader} verifies each one's digest before a runtime
 * loads it.
 *
 * <p>Threads: stateless. Allocation: load-time only.
 */
public final class ManifestReader {
    /** The manifest's file name inside an ensemble version directory. */
    public static final String FILE = "manifest.json";

    private ManifestReader() {}

    public static EnsembleManifest read(Path directory) throws ManifestException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ManifestException(directory + " is not an ensemble version: it has no " + FILE);
        }
        JsonFields json = JsonFields.read(file);
        String format = json.string("format");
        if (!format.equals("tutti-ensemble")) {
            throw json.error("format", "expected \"tutti-ensemble\", not \"" + format + "\"");
        }
        if (json.integer("formatVersion") != 1) {
            throw json.error("formatVersion", "this Tutti reads version 1");
        }
        int version = json.integer("version");
        if (version < 1) {
            throw json.error("version", "must be a positive integer");
        }
        Task task = task(json);
        List<String> classes = task == Task.REGRESSION ? List.of() : json.strings("classes");
        if (task == Task.BINARY && classes.size() != 2 || task == Task.MULTICLASS && classes.size() < 3) {
            throw json.error("classes", "a " + task.name().toLowerCase(Locale.ROOT) + " ensemble lists "
                    + (task == Task.BINARY ? "exactly 2" : "3 or more") + " class labels, not " + classes.size());
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw json.error("classes", "lists a class label twice: " + classes);
        }
        InputSchema schema = SchemaJson.read(json.object("schema"));
        List<MemberEntry> members = members(json);
        List<String> names = members.stream().map(MemberEntry::name).toList();
        JsonFields reference = json.optionalObject("reference");
        Combiner combiner = new CombinerReader(task, task.outputs(classes.size()), names, schema, reference)
                .read(json.object("combiner"));
        ConfidenceMeasure confidence = confidence(json);
        double spreadScale = reference == null ? 1 : reference.number("spreadScale", 1);
        if (!(spreadScale > 0) || Double.isInfinite(spreadScale)) {
            throw json.error("reference.spreadScale", "must be a positive finite number");
        }
        return new EnsembleManifest(directory.toAbsolutePath().normalize(), json.string("name"), version,
                json.string("description", ""), task, classes, schema, members, combiner, confidence, spreadScale,
                json.node().get("metrics"), json.node().get("provenance"));
    }

    private static Task task(JsonFields json) throws ManifestException {
        String task = json.string("task");
        try {
            return Task.valueOf(task.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw json.error("task", "expected binary, multiclass or regression, not \"" + task + "\"");
        }
    }

    private static ConfidenceMeasure confidence(JsonFields json) throws ManifestException {
        String measure = json.string("confidence", "agreement");
        try {
            return ConfidenceMeasure.valueOf(measure.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw json.error("confidence", "expected agreement, margin or entropy, not \"" + measure + "\"");
        }
    }

    private static List<MemberEntry> members(JsonFields json) throws ManifestException {
        List<JsonFields> items = json.array("members");
        if (items.isEmpty()) {
            throw json.error("members", "an ensemble needs at least one member");
        }
        List<MemberEntry> members = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonFields m : items) {
            String name = m.string("name");
            if (!seen.add(name)) {
                throw m.error("name", "member '" + name + "' appears twice");
            }
            int version = m.integer("version");
            if (version < 1) {
                throw m.error("version", "must be a positive integer");
            }
            String sha256 = m.string("sha256");
            if (!Artifacts.isSha256(sha256)) {
                throw m.error("sha256", "expected 64 lower-case hex digits");
            }
            JsonFields memberSchema = m.optionalObject("schema");
            members.add(new MemberEntry(name, version, m.string("format"), m.string("artifact"), sha256,
                    memberSchema == null ? null : SchemaJson.read(memberSchema), m.stringMap("options")));
        }
        return members;
    }
}
