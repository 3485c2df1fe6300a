package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.ErrorDecoder.CODE_OFFSET;
import static dev.tutti.transport.protocol.ErrorDecoder.MESSAGE_LENGTH_OFFSET;
import static dev.tutti.transport.protocol.ErrorDecoder.MESSAGE_OFFSET;
import static dev.tutti.transport.protocol.ErrorDecoder.ROW_OFFSET;
import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.MutableDirectBuffer;

/**
 * Writes a whole error frame (layout in {@link ErrorDecoder}). Messages longer than
 * {@link #MAX_MESSAGE_BYTES} UTF-8 bytes are cut.
 *
 * <p>Threads: stateless. Allocation: the message's UTF-8 bytes.
 */
public final class ErrorEncoder {
    public static final int MAX_MESSAGE_BYTES = 4096;

    private ErrorEncoder() {}

    /** The message as it will be sent: UTF-8, cut to the limit. */
    public static byte[] messageBytes(String message) {
        byte[] bytes = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_MESSAGE_BYTES ? bytes : Arrays.copyOf(bytes, MAX_MESSAGE_BYTES);
    }

    public static int frameLength(byte[] message) {
        return FrameHeader.HEADER_LENGTH + MESSAGE_OFFSET + message.length;
    }

    /**
     * @param row the offending row of the request, or -1
     * @return bytes written
     */
    public static int encode(MutableDirectBuffer buffer, int offset, long correlationId, ErrorCode code, int row, byte[] message) {
        int body = offset + FrameHeader.HEADER_LENGTH;
        FrameHeader.write(buffer, offset, MESSAGE_OFFSET + message.length, MessageType.ERROR, 0, correlationId);
        buffer.putShort(body + CODE_OFFSET, (short) code.code(), ORDER);
        buffer.putShort(body + MESSAGE_LENGTH_OFFSET, (short) message.length, ORDER);
        buffer.putInt(body + ROW_OFFSET, row, ORDER);
        buffer.putBytes(body + MESSAGE_OFFSET, message);
        return FrameHeader.HEADER_LENGTH + MESSAGE_OFFSET + message.length;
    }
}
