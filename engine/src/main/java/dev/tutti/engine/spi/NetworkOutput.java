package dev.tutti.engine.spi;

import dev.tutti.combine.Task;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * How to read a neural network's output tensor {@code [rows, columns]} (or {@code [rows]}) into a
 * member's scores, shared by every network runtime (ONNX Runtime, PyTorch, the GPU runtime), so that a
 * member and its CPU twin answer alike.
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
public final class NetworkOutput {
    /** What the network's raw output needs before it is a probability. */
    public enum Transform {
        NONE,
        SIGMOID,
        SOFTMAX
    }

    private final String member;
    private final Task task;
    private final int columns;
    private final int column;
    private final Transform transform;

    private NetworkOutput(String member, Task task, int columns, int column, Transform transform) {
        this.member = member;
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
    public static NetworkOutput of(ModelSpec spec, int columns) throws MemberException {
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
        if (columns != expected) {
            throw new MemberException("member " + spec.pin() + ": the network has " + columns + " output column(s); a "
                    + spec.task().name().toLowerCase(Locale.ROOT) + " member with " + spec.classes()
                    + " classes needs " + (spec.task() == Task.BINARY ? "1 or 2" : String.valueOf(expected)));
        }
        if (transform == Transform.SOFTMAX && columns < 2 || transform == Transform.SIGMOID && spec.task() == Task.MULTICLASS) {
            throw new MemberException("member " + spec.pin() + ": transform " + transform.name().toLowerCase(Locale.ROOT)
                    + " does not fit " + columns + " output column(s) of a " + spec.task().name().toLowerCase(Locale.ROOT) + " member");
        }
        return new NetworkOutput(spec.pin(), spec.task(), columns, columns == 2 && spec.task() == Task.BINARY ? 1 : 0, transform);
    }

    /** Output columns the network must produce. */
    public int columns() {
        return columns;
    }

    /**
     * Copies {@code rows x columns()} float32 values (row-major, from the buffer's index 0, in the
     * buffer's byte order) into {@code out}. A byte buffer, not a float view, so that a runtime's output
     * buffer is read as it comes, without a view object per call.
     *
     * @throws MemberException when the network produced fewer values than expected
     */
    public void write(ByteBuffer values, int rows, MemberOutput out) throws MemberException {
        int available = values.limit() / Float.BYTES;
        if (available < rows * columns) {
            throw new MemberException("member " + member + ": the network returned " + available
                    + " values for " + rows + " rows x " + columns + " columns");
        }
        if (task == Task.MULTICLASS) {
            writeClasses(values, rows, out);
            return;
        }
        float[] array = out.array();
        int offset = out.offset(0);
        for (int r = 0; r < rows; r++) {
            float v = value(values, r * columns + column);
            if (transform == Transform.SIGMOID) {
                v = (float) (1.0 / (1.0 + Math.exp(-v)));
            } else if (transform == Transform.SOFTMAX) {
                float other = value(values, r * columns + (1 - column));
                v = (float) (1.0 / (1.0 + Math.exp(other - v)));
            }
            array[offset + r] = v;
        }
    }

    private void writeClasses(ByteBuffer values, int rows, MemberOutput out) {
        for (int r = 0; r < rows; r++) {
            int base = r * columns;
            if (transform == Transform.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < columns; k++) {
                    max = Math.max(max, value(values, base + k));
                }
                double sum = 0;
                for (int k = 0; k < columns; k++) {
                    sum += Math.exp(value(values, base + k) - max);
                }
                for (int k = 0; k < columns; k++) {
                    out.put(k, r, (float) (Math.exp(value(values, base + k) - max) / sum));
                }
            } else {
                for (int k = 0; k < columns; k++) {
                    out.put(k, r, value(values, base + k));
                }
            }
        }
    }

    private static float value(ByteBuffer values, int index) {
        return values.getFloat(index * Float.BYTES);
    }
}
