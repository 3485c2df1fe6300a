package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import org.agrona.DirectBuffer;

/**
 * Reads the body of an error frame in place. Its correlation id is the failed request's, or 0 when
 * the error is about the connection or a frame whose id could not be read.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          code (u16)           |   message length M (u16)      |  0
 * +-------------------------------+-------------------------------+
 * |             row (i32): the offending row, or -1               |  4
 * +---------------------------------------------------------------+
 * |                     message (M bytes, UTF-8)                 ...  8
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Threads: one at a time. Allocation: none, except {@link #message}.
 */
public final class ErrorDecoder {
    public static final int CODE_OFFSET = 0;
    public static final int MESSAGE_LENGTH_OFFSET = 2;
    public static final int ROW_OFFSET = 4;
    public static final int MESSAGE_OFFSET = 8;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    public ErrorDecoder wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Null when consistent, else why not. */
    public String validate() {
        if (length < MESSAGE_OFFSET) {
            return "an error body has at least " + MESSAGE_OFFSET + " bytes; this one has " + length;
        }
        return MESSAGE_OFFSET + messageLength() == length ? null
                : "the error body has " + length + " bytes; its message length says " + (MESSAGE_OFFSET + messageLength());
    }

    public ErrorCode code() {
        return ErrorCode.of(buffer.getShort(offset + CODE_OFFSET, ORDER) & 0xFFFF);
    }

    public int messageLength() {
        return buffer.getShort(offset + MESSAGE_LENGTH_OFFSET, ORDER) & 0xFFFF;
    }

    public int row() {
        return buffer.getInt(offset + ROW_OFFSET, ORDER);
    }

    public String message() {
        return buffer.getStringWithoutLengthUtf8(offset + MESSAGE_OFFSET, messageLength());
    }
}
