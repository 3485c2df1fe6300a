package dev.tutti.transport.http;

import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.TextRowEncoder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an inference request's input tensors into the float rows of an ensemble's schema. Two
 * layouts are accepted:
 * <ul>
 *   <li><b>one tensor per feature</b>, named like the feature, shape {@code [N]} or {@code [N, 1]}:
 *       numeric features in any numeric datatype (or BYTES text), categorical features as BYTES
 *       holding their labels;
 *   <li><b>one tensor of shape {@code [N, F]}</b> (any name), the features in schema order: BYTES
 *       text cells, or a numeric datatype when the schema has no categorical feature.
 * </ul>
 * Cells go through the engine's {@link TextRowEncoder}, as CSV rows do: labels to codes, missing
 * markers ({@code ""}, {@code NA}, JSON null) to NaN, numbers parsed as double then rounded to
 * float32; a bad cell is refused naming its feature and row.
 *
 * <p>Threads: immutable, shared. Allocation: the row array and one list view per row.
 */
final class RowAssembler {
    private final InputSchema schema;
    private final TextRowEncoder encoder;
    private final Map<String, Integer> featureIndex = new HashMap<>();
    private final boolean anyCategorical;

    RowAssembler(InputSchema schema) {
        this.schema = schema;
        this.encoder = TextRowEncoder.inSchemaOrder(schema);
        for (int f = 0; f < schema.width(); f++) {
            featureIndex.put(schema.feature(f).name(), f);
        }
        this.anyCategorical = schema.features().stream().anyMatch(FeatureSpec::isCategorical);
    }

    /** Rows assembled: {@code count x width} values. */
    record Rows(float[] values, int count) {}

    /**
     * @throws BadRequestException when the tensors do not fit either layout, or hold more than {@code maxRows} rows
     * @throws dev.tutti.engine.schema.InvalidInputException for a bad cell
     */
    Rows assemble(List<InferRequest.Tensor> inputs, int maxRows) {
        int width = schema.width();
        String[][] cells;
        int rows;
        if (inputs.size() == 1 && !featureIndex.containsKey(inputs.getFirst().name())) {
            InferRequest.Tensor t = inputs.getFirst();
            long[] shape = t.shape();
            if (shape.length != 2 || shape[1] != width) {
                throw new BadRequestException("input '" + t.name() + "' has shape " + Arrays.toString(shape) + "; send one tensor of shape [N, "
                        + width + "] (features in schema order) or one tensor per feature, named after it");
            }
            if (Datatypes.numeric(t.datatype()) && anyCategorical) {
                throw new BadRequestException("input '" + t.name() + "' is " + t.datatype() + " but the schema has categorical features,"
                        + " which travel as their labels: send a BYTES tensor, or one tensor per feature");
            }
            checkType(t);
            rows = checkRows((int) shape[0], maxRows);
            cells = new String[rows][];
            for (int r = 0; r < rows; r++) {
                cells[r] = t.cells().subList(r * width, (r + 1) * width).toArray(String[]::new);
            }
        } else {
            InferRequest.Tensor[] byFeature = new InferRequest.Tensor[width];
            for (InferRequest.Tensor t : inputs) {
                Integer f = featureIndex.get(t.name());
                if (f == null) {
                    throw new BadRequestException("input '" + t.name() + "' is not a feature of this model; its inputs are "
                            + schema.features().stream().map(FeatureSpec::name).toList());
                }
                if (byFeature[f] != null) {
                    throw new BadRequestException("input '" + t.name() + "' is sent twice");
                }
                byFeature[f] = t;
            }
            rows = -1;
            for (int f = 0; f < width; f++) {
                InferRequest.Tensor t = byFeature[f];
                FeatureSpec feature = schema.feature(f);
                if (t == null) {
                    throw new BadRequestException("no input for feature '" + feature.name() + "'; send one tensor per feature or one tensor"
                            + " of shape [N, " + width + "]");
                }
                long[] shape = t.shape();
                if (shape.length < 1 || shape.length > 2 || (shape.length == 2 && shape[1] != 1)) {
                    throw new BadRequestException("input '" + t.name() + "' has shape " + Arrays.toString(shape) + "; a feature's tensor is [N] or [N, 1]");
                }
                if (rows >= 0 && shape[0] != rows) {
                    throw new BadRequestException("input '" + t.name() + "' has " + shape[0] + " rows; the others have " + rows);
                }
                rows = (int) shape[0];
                if (feature.isCategorical() && !t.datatype().equals("BYTES")) {
                    throw new BadRequestException("feature '" + feature.name() + "' is categorical: send its labels as a BYTES tensor, not "
                            + t.datatype() + " (labels: " + feature.categories() + ")");
                }
                checkType(t);
            }
            rows = checkRows(rows, maxRows);
            cells = new String[rows][width];
            for (int f = 0; f < width; f++) {
                List<String> column = byFeature[f].cells();
                for (int r = 0; r < rows; r++) {
                    cells[r][f] = column.get(r);
                }
            }
        }
        float[] values = new float[rows * width];
        FloatBuffer view = FloatBuffer.wrap(values);
        for (int r = 0; r < rows; r++) {
            encoder.encode(Arrays.asList(cells[r]), r, view, r * width);
        }
        return new Rows(values, rows);
    }

    private static void checkType(InferRequest.Tensor t) {
        if (Datatypes.bytes(t.datatype()) < 0) {
            throw new BadRequestException("input '" + t.name() + "' has unknown datatype " + t.datatype());
        }
    }

    private static int checkRows(int rows, int maxRows) {
        if (rows < 1 || rows > maxRows) {
            throw new BadRequestException("a request carries 1 to " + maxRows + " rows, not " + rows);
        }
        return rows;
    }
}
