package dev.tutti.transport.protocol;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 16-byte header that starts every frame, read in place.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  frame length (u32, LE)                        |  bytes after this field
 * +---------------+---------------+-------------------------------+
 * |  version (u8) |   type (u8)   |          flags (u16)          |
 * +---------------+---------------+-------------------------------+
 * |                                                               |
 * +                     correlation id (i64)                      +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                     body (frame length - 12 bytes)           ...
 * </pre>
 *
 * <p>Threads: one at a time. Allocation: none.
 */
public final class FrameHeader {
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    public static final byte CURRENT_VERSION = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int CORRELATION_ID_OFFSET = 8;
    /** Bytes of the header, the length field included; the body starts here. */
    public static final int HEADER_LENGTH = 16;
    /** Bytes of the length field. */
    public static final int LENGTH_FIELD_LENGTH = 4;
    /** The smallest valid frame length (a frame with an empty body). */
    public static final int MIN_FRAME_LENGTH = HEADER_LENGTH - LENGTH_FIELD_LENGTH;

    private DirectBuffer buffer;
    private int offset;

    /** Reads the header of the frame that starts at {@code offset}. */
    public FrameHeader wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Bytes after the length field: header rest plus body. Unsigned; compare as a long. */
    public long frameLength() {
        return buffer.getInt(offset + LENGTH_OFFSET, ORDER) & 0xFFFF_FFFFL;
    }

    /** Bytes of the body. */
    public int bodyLength() {
        return (int) (frameLength() - MIN_FRAME_LENGTH);
    }

    public int version() {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public int type() {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public int flags() {
        return buffer.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF;
    }

    public long correlationId() {
        return buffer.getLong(offset + CORRELATION_ID_OFFSET, ORDER);
    }

    /** Offset of the body in the wrapped buffer. */
    public int bodyOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Writes a header for a body of {@code bodyLength} bytes at {@code offset}. */
    public static void write(MutableDirectBuffer buffer, int offset, int bodyLength, MessageType type, int flags, long correlationId) {
        buffer.putInt(offset + LENGTH_OFFSET, MIN_FRAME_LENGTH + bodyLength, ORDER);
        buffer.putByte(offset + VERSION_OFFSET, CURRENT_VERSION);
        buffer.putByte(offset + TYPE_OFFSET, (byte) type.code());
        buffer.putShort(offset + FLAGS_OFFSET, (short) flags, ORDER);
        buffer.putLong(offset + CORRELATION_ID_OFFSET, correlationId, ORDER);
    }
}
