package dev.tutti.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.SchemaJson;
import dev.tutti.trainer.data.Folds;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.family.Artifact;
import dev.tutti.trainer.family.ToolVersions;
import dev.tutti.trainer.plan.MemberRecipe;
import dev.tutti.trainer.registry.RegisteredMember;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a member version's files besides its artifact: {@code oof.csv} (one line per training
 * row: {@code row}, {@code fold}, {@code target} and the out-of-fold prediction) and
 * {@code member.json} (schema, hyper-parameters, metrics, parity, lineage; docs/training.md).
 *
 * <p>Stateless; used on the training thread.
 */
final class MemberWriter {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String OOF = "oof.csv";

    private MemberWriter() {}

    /** Column names of the prediction part of oof.csv. */
    static List<String> predictionColumns(Task task, int outputs) {
        if (task != Task.MULTICLASS) {
            return List.of("prediction");
        }
        List<String> columns = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            columns.add("p" + k);
        }
        return columns;
    }

    static void writeOof(Path file, Dataset data, Folds folds, double[] oof) throws IOException {
        int outputs = data.schema().outputs();
        List<String> header = new ArrayList<>(List.of("row", "fold", "target"));
        header.addAll(predictionColumns(data.schema().task(), outputs));
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(writer, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
            csv.printRecord(header);
            List<String> record = new ArrayList<>(header.size());
            for (int r = 0; r < data.rowCount(); r++) {
                record.clear();
                record.add(Integer.toString(r));
                record.add(Integer.toString(folds.foldOf(r)));
                record.add(data.schema().task() == Task.REGRESSION ? Double.toString(data.target(r)) : Integer.toString((int) data.target(r)));
                for (int o = 0; o < outputs; o++) {
                    record.add(Double.toString(oof[r * outputs + o]));
                }
                csv.printRecord(record);
            }
        }
    }

    /** Everything known about the member, as member.json. */
    static void writeMember(Path directory, Context run, MemberRecipe recipe, String name, int version, Artifact artifact,
            MemberResult trained, ObjectNode lineage) throws IOException {
        Dataset data = run.data();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "tutti-member");
        root.put("formatVersion", 1);
        root.put("name", name);
        root.put("version", version);
        root.put("library", run.config().library());
        root.put("family", recipe.family());
        root.put("recipe", recipe.id());
        root.put("task", data.schema().task().name().toLowerCase(Locale.ROOT));
        root.put("target", data.schema().target());
        if (data.schema().task() != Task.REGRESSION) {
            data.schema().classes().forEach(root.putArray("classes")::add);
        }
        ObjectNode file = root.putObject("artifact");
        file.put("file", artifact.file());
        file.put("format", artifact.format());
        file.put("sha256", Artifacts.sha256(directory.resolve(artifact.file())));
        file.put("bytes", Files.size(directory.resolve(artifact.file())));
        ObjectNode options = file.putObject("options");
        artifact.options().forEach(options::put);
        root.set("schema", SchemaJson.write(data.schema().features()));
        root.set("encoding", JSON.valueToTree(new java.util.TreeMap<>(artifact.encoding())));
        root.set("hyperParameters", JSON.valueToTree(recipe.params()));
        ObjectNode metrics = root.putObject("metrics");
        metrics.set("cv", JSON.valueToTree(trained.cv()));
        metrics.set("folds", JSON.valueToTree(trained.folds()));
        metrics.put("trainingSeconds", trained.took().toMillis() / 1000.0);
        ObjectNode oof = root.putObject("oof");
        oof.put("file", OOF);
        oof.put("sha256", Artifacts.sha256(directory.resolve(OOF)));
        oof.put("rows", data.rowCount());
        oof.put("folds", run.folds().count());
        List<String> columns = new ArrayList<>(List.of("row", "fold", "target"));
        columns.addAll(predictionColumns(data.schema().task(), data.schema().outputs()));
        columns.forEach(oof.putArray("columns")::add);
        ObjectNode parity = root.putObject("servedParity");
        ParityCheck check = trained.parity();
        parity.put("checked", check.checked());
        if (check.checked()) {
            parity.put("runtime", check.runtime());
            parity.put("rows", check.rows());
            parity.put("maxDifference", check.maxDifference());
            parity.put("tolerance", check.tolerance());
        }
        root.set("lineage", lineage);
        JSON.writeValue(directory.resolve(RegisteredMember.FILE).toFile(), root);
    }

    /** The lineage shared by every member of a run, plus the member's own seed. */
    static ObjectNode lineage(Context run, long memberSeed, String startedAt, String finishedAt) {
        ObjectNode lineage = JSON.createObjectNode();
        ObjectNode data = lineage.putObject("data");
        data.put("file", run.config().data().toAbsolutePath().normalize().toString());
        data.put("sha256", run.dataSha256());
        data.put("rows", run.data().rowCount());
        lineage.put("seed", run.config().seed());
        lineage.put("memberSeed", memberSeed);
        lineage.put("folds", run.folds().count());
        lineage.set("tools", JSON.valueToTree(ToolVersions.all()));
        lineage.put("startedAt", startedAt);
        lineage.put("finishedAt", finishedAt);
        return lineage;
    }

    /** What every member of one run shares. */
    record Context(TrainingConfig config, Dataset data, Folds folds, String dataSha256) {}
}
