package dev.tutti.gpu.dense;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.tutti.combine.Task;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * How a network's output rows become a member's scores: the same rules as the CPU ONNX member, so
 * that a member and its CPU twin answer alike.
 *
 * <ul>
 *   <li>binary: one column is P(class 1); two columns are (P(class 0), P(class 1)) and column 1 is used;
 *   <li>multiclass: K columns, one per class;
 *   <li>regression: one column.
 * </ul>
 *
 * The spec option {@code transform} says what the network emits: {@code none} (probabilities or
 * values, the default), {@code sigmoid} (binary logits) or {@code softmax} (class logits).
 *
 * <p>Threads: immutable. Allocation: none in {@link #write}.
 */
public final class DenseOutput {
    private enum Transform {
        NONE,
        SIGMOID,
        SOFTMAX
    }

    private final Task task;
    private final int columns;
    private final int column;
    private final Transform transform;

    private DenseOutput(Task task, int columns, int column, Transform transform) {
        this.task = task;
        this.columns = columns;
        this.column = column;
        this.transform = transform;
    }

    /**
     * Checks that a network with {@code columns} output columns can serve {@code spec}.
     *
     * @throws MemberException naming the member, the shape and what was expected
     */
    public static DenseOutput of(ModelSpec spec, int columns) throws MemberException {
        Transform transform;
        try {
            transform = Transform.valueOf(spec.option("transform", "none").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MemberException("member " + spec.pin() + ": option transform='" + spec.option("transform", "")
                    + "' is not one of none, sigmoid, softmax");
        }
        int expected = switch (spec.task()) {
            case BINARY -> columns == 2 ? 2 : 1;
            case MULTICLASS -> spec.classes();
            case REGRESSION -> 1;
        };
        String task = spec.task().name().toLowerCase(Locale.ROOT);
        if (columns != expected) {
            throw new MemberException("member " + spec.pin() + ": the network has " + columns + " output column(s); a " + task
                    + " member with " + spec.classes() + " classes needs " + (spec.task() == Task.BINARY ? "1 or 2" : String.valueOf(expected)));
        }
        if (transform == Transform.SOFTMAX && columns < 2 || transform == Transform.SIGMOID && spec.task() == Task.MULTICLASS) {
            throw new MemberException("member " + spec.pin() + ": transform " + transform.name().toLowerCase(Locale.ROOT) + " does not fit "
                    + columns + " output column(s) of a " + task + " member");
        }
        return new DenseOutput(spec.task(), columns, columns == 2 && spec.task() == Task.BINARY ? 1 : 0, transform);
    }

    public int columns() {
        return columns;
    }

    /**
     * Writes the scores of {@code rows} rows of {@code columns()} floats (row-major from offset 0 of
     * {@code values}) into {@code out}, after the network's own softmax when {@code softmax}.
     */
    public void write(MemorySegment values, int rows, boolean softmax, MemberOutput out) {
        if (softmax) {
            softmaxRows(values, rows);
        }
        if (task == Task.MULTICLASS) {
            for (int r = 0; r < rows; r++) {
                long base = (long) r * columns;
                if (transform == Transform.SOFTMAX) {
                    softmaxRow(values, base);
                }
                for (int k = 0; k < columns; k++) {
                    out.put(k, r, value(values, base + k));
                }
            }
            return;
        }
        float[] array = out.array();
        int offset = out.offset(0);
        for (int r = 0; r < rows; r++) {
            float v = value(values, (long) r * columns + column);
            if (transform == Transform.SIGMOID) {
                v = (float) (1.0 / (1.0 + Math.exp(-v)));
            } else if (transform == Transform.SOFTMAX) {
                float other = value(values, (long) r * columns + (1 - column));
                v = (float) (1.0 / (1.0 + Math.exp(other - v)));
            }
            array[offset + r] = v;
        }
    }

    private void softmaxRows(MemorySegment values, int rows) {
        for (int r = 0; r < rows; r++) {
            softmaxRow(values, (long) r * columns);
        }
    }

    /** Softmax in place over one row, in double, rounded to float as ONNX Runtime's output is. */
    private void softmaxRow(MemorySegment values, long base) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < columns; k++) {
            max = Math.max(max, value(values, base + k));
        }
        double sum = 0;
        for (int k = 0; k < columns; k++) {
            sum += Math.exp(value(values, base + k) - max);
        }
        for (int k = 0; k < columns; k++) {
            values.setAtIndex(JAVA_FLOAT, base + k, (float) (Math.exp(value(values, base + k) - max) / sum));
        }
    }

    private static float value(MemorySegment values, long index) {
        return values.getAtIndex(JAVA_FLOAT, index);
    }
}
