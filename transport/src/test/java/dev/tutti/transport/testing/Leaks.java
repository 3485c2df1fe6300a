package dev.tutti.transport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * Paranoid leak detection for Netty tests: {@link #paranoid()} before, {@link #assertNone()} after.
 * Netty finds a leak when a buffer that was never released is garbage collected and a later
 * allocation polls the reference queue; {@link #assertNone()} provokes both several times.
 */
public final class Leaks {
    private Leaks() {}

    public static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** Runs collections and tracked allocations until Netty has had its chance to report, then asserts nothing leaked. */
    public static void assertNone() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int k = 0; k < 8; k++) { // each tracked allocation polls the queue of collected, unreleased buffers
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                a.release();
                b.release();
            }
        }
        assertThat(RecordingLeakDetector.LEAKS).as("buffers leaked (see the records)").isEmpty();
    }
}
