package dev.tutti.transport.protocol;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.TextRowEncoder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * What a client needs to call an ensemble: its exact version, task, classes, members (the order of
 * the member bit masks in score responses), the row schema (features in order, category labels in
 * code order) and the server's row limit.
 *
 * @param name ensemble name
 * @param version the version served
 * @param task what it predicts
 * @param classes class labels in class-index order (empty for regression)
 * @param members member names, bit i of a response's masks is {@code members.get(i)}
 * @param schema the rows it takes
 * @param maxRowsPerRequest the most rows one request may carry
 */
public record ModelMetadata(String name, int version, Task task, List<String> classes, List<String> members, InputSchema schema,
        int maxRowsPerRequest) {

    public ModelMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(schema, "schema");
        classes = List.copyOf(classes);
        members = List.copyOf(members);
    }

    public List<FeatureSpec> features() {
        return schema.features();
    }

    /**
     * Encodes rows of text cells (in schema order: numbers as text, categories as their labels,
     * missing values as empty cells or {@code NA}) into the float rows a score request carries.
     *
     * @throws dev.tutti.engine.schema.InvalidInputException naming the feature and row of a bad cell
     */
    public float[] encodeText(List<List<String>> rows) {
        TextRowEncoder encoder = TextRowEncoder.inSchemaOrder(schema);
        int width = schema.width();
        float[] out = new float[rows.size() * width];
        FloatBuffer view = FloatBuffer.wrap(out);
        for (int r = 0; r < rows.size(); r++) {
            encoder.encode(rows.get(r), r, view, r * width);
        }
        return out;
    }

    /** Names of the members whose bits are set in {@code mask}. */
    public List<String> membersIn(long mask) {
        return members.stream().filter(m -> (mask & (1L << members.indexOf(m))) != 0).toList();
    }
}
