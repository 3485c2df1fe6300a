package dev.tutti.cpu.tree.batch;

import java.nio.FloatBuffer;

/**
 * A row-major tile of up to {@link #rows} rows in {@link TileColumns} layout, row {@code r} at
 * {@code r * stride}, and the scratch row it is filled through.
 *
 * <p>Threads: one thread at a time. Allocation: none after construction.
 */
final class RowTile {
    final TileColumns columns;
    final int rows;
    final int stride;
    final float[] values;
    private final float[] row;

    RowTile(TileColumns columns, int rows, int features) {
        this.columns = columns;
        this.rows = rows;
        this.stride = columns.stride();
        this.values = new float[rows * stride];
        this.row = new float[features];
    }

    /** Fills the first {@code count <= rows} tile rows from input rows {@code from ..} of {@code width} floats. */
    void fill(FloatBuffer input, int from, int count, int width) {
        columns.fill(input, from, count, width, values, row);
    }
}
