package dev.tutti.combine;

import java.nio.FloatBuffer;

/**
 * A read-only view of a batch's input features, rows x width, row-major, as the members saw them.
 * Only combiners that pass input features through (stacking) read it.
 *
 * <p>Threads: owned by the thread that runs the combine step; {@link #wrap} re-points it for each
 * batch. Allocation: none after construction.
 */
public final class FeatureRows {
    private FloatBuffer buffer;
    private int width;

    /** Points this view at {@code rows x width} floats starting at the buffer's index 0. */
    public FeatureRows wrap(FloatBuffer buffer, int width) {
        this.buffer = buffer;
        this.width = width;
        return this;
    }

    public int width() {
        return width;
    }

    public float get(int row, int column) {
        return buffer.get(row * width + column);
    }
}
