package dev.tutti.combine;

import java.util.Arrays;

/**
 * A members x outputs x rows matrix of scores in one {@code float[]}, laid out so that the rows of
 * one (member, output) pair are contiguous: {@code data[(member * outputs + output) * capacity + row]}.
 * That layout lets a combiner stream over the rows of each member, which is what SIMD kernels want.
 *
 * <p>The matrix is allocated once for a maximum batch size ({@link #capacity()}) and reused: each
 * batch sets {@link #rows()} and overwrites the first {@code rows} entries of every row run.
 *
 * <p>Threads: not thread-safe. Distinct members may write their own (member, *) runs from
 * different threads when the hand-off to the reading thread is a happens-before edge (a join).
 * Allocation: only at construction.
 */
public final class ScoreMatrix {
    private final int members;
    private final int outputs;
    private final int capacity;
    private final float[] data;
    private int rows;

    /**
     * @param members number of members (1 for a matrix of combined results)
     * @param outputs outputs per row (see {@link Task#outputs(int)})
     * @param capacity maximum rows per batch
     */
    public ScoreMatrix(int members, int outputs, int capacity) {
        if (members < 1 || outputs < 1 || capacity < 1) {
            throw new IllegalArgumentException(
                    "members, outputs and capacity must be positive: " + members + ", " + outputs + ", " + capacity);
        }
        long size = (long) members * outputs * capacity;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("matrix too large: " + size + " floats");
        }
        this.members = members;
        this.outputs = outputs;
        this.capacity = capacity;
        this.data = new float[(int) size];
    }

    public int members() {
        return members;
    }

    public int outputs() {
        return outputs;
    }

    public int capacity() {
        return capacity;
    }

    /** Rows of the current batch. */
    public int rows() {
        return rows;
    }

    /** Sets the rows of the current batch; the contents are left as they are. */
    public void rows(int rows) {
        if (rows < 0 || rows > capacity) {
            throw new IllegalArgumentException("rows " + rows + " outside [0, " + capacity + "]");
        }
        this.rows = rows;
    }

    /** The backing array (see the class comment for its layout). */
    public float[] data() {
        return data;
    }

    /** Index in {@link #data()} of row 0 of {@code (member, output)}. */
    public int offset(int member, int output) {
        return (member * outputs + output) * capacity;
    }

    public float get(int member, int output, int row) {
        return data[offset(member, output) + row];
    }

    public void set(int member, int output, int row, float value) {
        data[offset(member, output) + row] = value;
    }

    /** Fills every entry of {@code member} with {@code value} (NaN marks a member that did not answer). */
    public void fillMember(int member, float value) {
        int from = offset(member, 0);
        Arrays.fill(data, from, from + outputs * capacity, value);
    }
}
