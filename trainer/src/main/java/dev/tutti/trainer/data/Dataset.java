package dev.tutti.trainer.data;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.schema.TextRowEncoder;
import java.nio.FloatBuffer;

/**
 * The training rows encoded once, exactly as a served member receives them: {@link TextRowEncoder}
 * over the CSV's cells gives float32 rows in schema order (numbers, category codes, NaN for missing),
 * so a member trained on these floats sees at serving time the same floats for the same text.
 * Targets are class indexes (into {@link TableSchema#classes()}) or regression values.
 *
 * <p>Threads: immutable after {@link #encode}; shared by every member's training. Allocation: the
 * row subsets handed to the libraries are copies ({@link #rows(int[])}).
 */
public final class Dataset {
    private final TableSchema schema;
    private final float[] x;
    private final double[] y;
    private final int rows;
    private final int width;

    private Dataset(TableSchema schema, float[] x, double[] y) {
        this.schema = schema;
        this.x = x;
        this.y = y;
        this.rows = y.length;
        this.width = schema.features().width();
    }

    /**
     * Encodes every row of {@code table}.
     *
     * @throws TrainingException naming the line of the first row serving would refuse
     */
    public static Dataset encode(CsvTable table, TableSchema schema) throws TrainingException {
        int width = schema.features().width();
        float[] x = new float[table.rowCount() * width];
        double[] y = new double[table.rowCount()];
        TextRowEncoder encoder = new TextRowEncoder(schema.features(), table.header());
        FloatBuffer out = FloatBuffer.wrap(x);
        int target = table.column(schema.target());
        for (int r = 0; r < table.rowCount(); r++) {
            String[] cells = table.row(r);
            try {
                encoder.encode(java.util.Arrays.asList(cells), r, out, r * width);
            } catch (InvalidInputException e) {
                throw new TrainingException(table.file() + ": line " + table.line(r) + ": " + e.getMessage().replace(" in row " + r, ""), e);
            }
            String label = cells[target].trim();
            if (schema.task() == Task.REGRESSION) {
                y[r] = Double.parseDouble(label);
            } else {
                y[r] = schema.classes().indexOf(label);
            }
        }
        return new Dataset(schema, x, y);
    }

    public TableSchema schema() {
        return schema;
    }

    public int rowCount() {
        return rows;
    }

    /** Features per row. */
    public int width() {
        return width;
    }

    /** Feature {@code f} of row {@code r}. */
    public float value(int r, int f) {
        return x[r * width + f];
    }

    /** The target of row {@code r}: a class index or a value. */
    public double target(int r) {
        return y[r];
    }

    /** The given rows, row-major, copied into one array. */
    public float[] rows(int[] rowIndexes) {
        float[] out = new float[rowIndexes.length * width];
        for (int i = 0; i < rowIndexes.length; i++) {
            System.arraycopy(x, rowIndexes[i] * width, out, i * width, width);
        }
        return out;
    }

    /** The targets of the given rows, as float32 (what the libraries take). */
    public float[] targets(int[] rowIndexes) {
        float[] out = new float[rowIndexes.length];
        for (int i = 0; i < rowIndexes.length; i++) {
            out[i] = (float) y[rowIndexes[i]];
        }
        return out;
    }

    /** Row indexes 0 .. rowCount - 1. */
    public int[] allRows() {
        return java.util.stream.IntStream.range(0, rows).toArray();
    }
}
