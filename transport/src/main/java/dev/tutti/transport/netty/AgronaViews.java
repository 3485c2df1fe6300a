package dev.tutti.transport.netty;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Points an Agrona {@link UnsafeBuffer} at a {@link ByteBuf}'s memory so that the protocol's
 * flyweights read and write it in place: no copy for heap buffers and for direct buffers with one
 * memory region (what the pooled allocator gives); a buffer made of several regions (a composite) is
 * copied once into a byte array.
 *
 * <p>Ownership: the view borrows the {@code ByteBuf}'s memory; it is valid only until that buffer is
 * released, and never released itself. Threads: the caller's. Allocation: none, except the copy of
 * a composite buffer and the {@link java.nio.ByteBuffer} view that a direct buffer without a memory
 * address hands out.
 */
public final class AgronaViews {
    private static final byte[] NOTHING = new byte[0];

    private AgronaViews() {}

    /** Wraps {@code view} over {@code buf}'s readable bytes; index 0 of the view is the reader index. */
    public static UnsafeBuffer readable(UnsafeBuffer view, ByteBuf buf) {
        return wrap(view, buf, buf.readerIndex(), buf.readableBytes());
    }

    /**
     * Wraps {@code view} over {@code length} bytes of {@code buf} starting at its writer index (made
     * writable first); the caller advances the writer index after writing.
     */
    public static UnsafeBuffer writable(UnsafeBuffer view, ByteBuf buf, int length) {
        buf.ensureWritable(length);
        return wrap(view, buf, buf.writerIndex(), length);
    }

    /** Points {@code view} at nothing, so that it keeps no address of memory it does not own. */
    public static void release(UnsafeBuffer view) {
        view.wrap(NOTHING);
    }

    private static UnsafeBuffer wrap(UnsafeBuffer view, ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            view.wrap(buf.memoryAddress() + index, length);
        } else if (buf.hasArray()) {
            view.wrap(buf.array(), buf.arrayOffset() + index, length);
        } else if (buf.nioBufferCount() == 1) {
            view.wrap(buf.nioBuffer(index, length));
        } else {
            byte[] copy = new byte[length];
            buf.getBytes(index, copy);
            view.wrap(copy);
        }
        return view;
    }
}
