package dev.tutti.engine.testing;

import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.JsonFields;
import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.manifest.SchemaJson;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.TextRowEncoder;
import dev.tutti.engine.spi.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The golden fixtures of one dataset, written by {@code fixtures/make_fixtures.sh}: rows in their raw
 * text form, the schema that encodes them, the members that scored them and each member's output
 * from its reference library (PyTorch, XGBoost, LightGBM, scikit-learn).
 *
 * <p>Files: {@code fixtures/golden/<dataset>.csv}, {@code .schema.json}, {@code .members.json}.
 * Rows whose {@link #split} is {@code missing} are test rows with values removed at random.
 */
public final class GoldenSet {
    /** Every dataset with golden fixtures. */
    public static final List<String> DATASETS = List.of("spam", "telco", "letters", "diamonds");

    private final String dataset;
    private final InputSchema schema;
    private final List<ModelSpec> members;
    private final Map<String, String> referenceColumn;
    private final List<String> header;
    private final List<List<String>> rows;
    private final float[] encoded;

    private GoldenSet(String dataset, InputSchema schema, List<ModelSpec> members, Map<String, String> referenceColumn,
            List<String> header, List<List<String>> rows) {
        this.dataset = dataset;
        this.schema = schema;
        this.members = members;
        this.referenceColumn = referenceColumn;
        this.header = header;
        this.rows = rows;
        this.encoded = new float[rows.size() * schema.width()];
        TextRowEncoder encoder = new TextRowEncoder(schema, header);
        FloatBuffer out = FloatBuffer.wrap(encoded);
        for (int r = 0; r < rows.size(); r++) {
            encoder.encode(rows.get(r), r, out, r * schema.width());
        }
    }

    /** The repository root: {@code -Dtutti.root} (set by the build) or the first parent holding {@code fixtures/golden}. */
    public static Path repoRoot() {
        String property = System.getProperty("tutti.root");
        if (property != null && Files.isDirectory(Path.of(property, "fixtures", "golden"))) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures").resolve("golden"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no fixtures/golden above " + Path.of("").toAbsolutePath() + ")");
    }

    public static GoldenSet load(String dataset) {
        Path root = repoRoot();
        Path golden = root.resolve("fixtures").resolve("golden");
        try {
            InputSchema schema = SchemaJson.read(JsonFields.read(golden.resolve(dataset + ".schema.json")));
            List<ModelSpec> members = new ArrayList<>();
            Map<String, String> reference = new HashMap<>();
            JsonFields list = JsonFields.of(dataset + ".members.json",
                    JsonFields.read(golden.resolve(dataset + ".members.json")).node());
            for (int i = 0; i < list.node().size(); i++) {
                JsonFields m = JsonFields.of(dataset + ".members.json[" + i + "]", list.node().get(i));
                Path artifact = root.resolve(m.string("artifact"));
                Task task = Task.valueOf(m.string("task").toUpperCase(Locale.ROOT));
                ModelSpec spec = new ModelSpec(m.string("name"), m.integer("version"), m.string("format"), artifact,
                        Artifacts.sha256(artifact), schema, task, m.integer("classes"), m.stringMap("options"));
                members.add(spec);
                reference.put(spec.name(), m.string("reference", spec.name()));
            }
            List<String> lines = Files.readAllLines(golden.resolve(dataset + ".csv"));
            List<String> header = split(lines.getFirst());
            List<List<String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isEmpty()) {
                    rows.add(split(line));
                }
            }
            return new GoldenSet(dataset, schema, List.copyOf(members), reference, header, rows);
        } catch (ManifestException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The golden CSVs are written without quoted cells (no label contains a comma); refuse anything else. */
    private static List<String> split(String line) {
        if (line.indexOf('"') >= 0) {
            throw new IllegalStateException("golden rows must not contain quotes: " + line);
        }
        return Arrays.asList(line.split(",", -1));
    }

    public String dataset() {
        return dataset;
    }

    public InputSchema schema() {
        return schema;
    }

    public List<ModelSpec> members() {
        return members;
    }

    public ModelSpec member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(dataset + " has no member " + name));
    }

    public int rows() {
        return rows.size();
    }

    /** {@code test} or {@code missing} (a test row with values removed at random). */
    public String split(int row) {
        return cell(row, "split");
    }

    public String cell(int row, String column) {
        int c = header.indexOf(column);
        if (c < 0) {
            throw new IllegalArgumentException(dataset + " golden has no column " + column);
        }
        return rows.get(row).get(c);
    }

    /** The header of the golden CSV. */
    public List<String> header() {
        return header;
    }

    /** The raw text cells of one row, in header order. */
    public List<String> rawRow(int row) {
        return rows.get(row);
    }

    /** One row encoded by the schema (codes for categories, NaN for missing). */
    public float[] encodedRow(int row) {
        int width = schema.width();
        return Arrays.copyOfRange(encoded, row * width, (row + 1) * width);
    }

    /** {@code count} encoded rows from {@code from}, in a direct native-order buffer as the engine passes them. */
    public FloatBuffer encodedRows(int from, int count) {
        int width = schema.width();
        FloatBuffer buffer = ByteBuffer.allocateDirect(count * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(encoded, from * width, count * width).flip();
        return buffer;
    }

    /** A column of reference outputs. */
    public double[] column(String name) {
        double[] out = new double[rows.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = Double.parseDouble(cell(r, name));
        }
        return out;
    }

    /** The reference library's output {@code output} of {@code member} for every row. */
    public double[] reference(ModelSpec member, int output) {
        String column = referenceColumn.getOrDefault(member.name(), member.name());
        return column(member.task() == Task.MULTICLASS ? column + ".p" + output : column);
    }
}
