package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.CLASS_COUNT_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.FALLBACK_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.MEMBERS_MISSING_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.MEMBERS_USED_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.MEMBER_COUNT_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.ROWS_OFFSET;
import static dev.tutti.transport.protocol.ScoreResponseDecoder.ROW_COUNT_OFFSET;

import dev.tutti.engine.serving.ScoreResponse;
import java.nio.charset.StandardCharsets;
import org.agrona.MutableDirectBuffer;

/**
 * Writes a whole score-response frame (layout in {@link ScoreResponseDecoder}) from an engine
 * {@link ScoreResponse}. Compute the size with {@link #frameLength}, then {@link #encode}.
 *
 * <p>An explained response ({@link ScoreResponse#explained()}) gets {@link Flags#EXPLAINED} and the
 * explanation section ({@link ExplanationEncoder}) after the reasons; any other response is written
 * exactly as before explanations existed.
 *
 * <p>Threads: stateless, shareable. Allocation: the UTF-8 bytes of missing members' reasons (only
 * for degraded answers).
 */
public final class ScoreResponseEncoder {
    /** Reasons longer than this many UTF-8 bytes are cut. */
    static final int MAX_REASON_BYTES = 1024;

    private ScoreResponseEncoder() {}

    /** Bytes of the whole frame, header included. */
    public static int frameLength(ScoreResponse response, int classCount, MemberSummary members) {
        int reasons = 0;
        for (String reason : members.missingReasons()) {
            reasons += Short.BYTES + Math.min(MAX_REASON_BYTES, ScoreRequestEncoder.utf8Length(reason));
        }
        long explanations = response.explained() ? ExplanationDecoder.sectionLength(response.rows(), members.count()) : 0;
        return Math.toIntExact(FrameHeader.HEADER_LENGTH + ROWS_OFFSET + (long) response.rows() * ScoreResponseDecoder.rowStride(classCount)
                + reasons + explanations);
    }

    /**
     * Writes the frame at {@code offset}; the flags say degraded, fallback and explained as the response does.
     *
     * @param classCount probabilities per row: 2 for binary, K for multiclass, 0 for regression
     * @return bytes written
     */
    public static int encode(MutableDirectBuffer buffer, int offset, long correlationId, ScoreResponse response, int classCount,
            MemberSummary members) {
        int rows = response.rows();
        int stride = ScoreResponseDecoder.rowStride(classCount);
        int body = offset + FrameHeader.HEADER_LENGTH;
        int flags = (response.degraded() ? Flags.DEGRADED : 0) | (response.fallback() ? Flags.FALLBACK : 0)
                | (response.explained() ? Flags.EXPLAINED : 0);
        buffer.putInt(body + ROW_COUNT_OFFSET, rows, ORDER);
        buffer.putShort(body + CLASS_COUNT_OFFSET, (short) classCount, ORDER);
        buffer.putByte(body + MEMBER_COUNT_OFFSET, (byte) members.count());
        buffer.putByte(body + FALLBACK_OFFSET, (byte) (members.fallback() < 0 ? ScoreResponseDecoder.NO_FALLBACK : members.fallback()));
        buffer.putLong(body + MEMBERS_USED_OFFSET, members.used(), ORDER);
        buffer.putLong(body + MEMBERS_MISSING_OFFSET, members.missing(), ORDER);
        int at = body + ROWS_OFFSET;
        for (int r = 0; r < rows; r++, at += stride) {
            buffer.putFloat(at, response.values()[r], ORDER);
            buffer.putInt(at + 4, response.predictedClasses()[r], ORDER);
            buffer.putFloat(at + 8, response.confidence()[r], ORDER);
            float[] p = classCount == 0 ? null : response.probabilities()[r];
            for (int k = 0; k < classCount; k++) {
                buffer.putFloat(at + 12 + k * Float.BYTES, p[k], ORDER);
            }
        }
        for (String reason : members.missingReasons()) {
            byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(bytes.length, MAX_REASON_BYTES);
            buffer.putShort(at, (short) n, ORDER);
            buffer.putBytes(at + Short.BYTES, bytes, 0, n);
            at += Short.BYTES + n;
        }
        if (response.explained()) {
            at += ExplanationEncoder.encode(buffer, at, response.explanations(), members.count());
        }
        int bodyLength = at - body;
        FrameHeader.write(buffer, offset, bodyLength, MessageType.SCORE_RESPONSE, flags, correlationId);
        return FrameHeader.HEADER_LENGTH + bodyLength;
    }
}
