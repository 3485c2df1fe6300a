package dev.tutti.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A member's direct, native-order host buffer for a batch's rows before they go to the device: it
 * grows to the largest batch seen (doubling) and is reused.
 *
 * <p>Threads: the member's scoring thread. Allocation: only when a batch is larger than any before.
 */
public final class HostRows {
    private ByteBuffer bytes = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
    private FloatBuffer floats = bytes.asFloatBuffer();

    /** Copies {@code count} floats of {@code rows} (from index 0); returns the bytes holding them, limited to their end. */
    public ByteBuffer copy(FloatBuffer rows, int count) {
        if (count > floats.capacity()) {
            bytes = ByteBuffer.allocateDirect(Math.max(count, 2 * floats.capacity()) * Float.BYTES).order(ByteOrder.nativeOrder());
            floats = bytes.asFloatBuffer();
        }
        floats.put(0, rows, 0, count);
        return bytes.clear().limit(count * Float.BYTES);
    }

    /** The floats last copied, as a view of exactly {@code count} floats. */
    public FloatBuffer floats(int count) {
        return floats.slice(0, count);
    }
}
