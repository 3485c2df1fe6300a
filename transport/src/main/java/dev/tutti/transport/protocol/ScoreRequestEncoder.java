package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.ALIAS_LENGTH_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.BUDGET_MICROS_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.ENSEMBLE_VERSION_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.FEATURE_COUNT_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.NAME_LENGTH_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.ROW_COUNT_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.STRINGS_OFFSET;
import static dev.tutti.transport.protocol.ScoreRequestDecoder.TIER_OFFSET;

import java.nio.charset.StandardCharsets;
import org.agrona.MutableDirectBuffer;

/**
 * Writes a whole score-request frame (header and body; layout in {@link ScoreRequestDecoder}).
 * Compute the size with {@link #frameLength}, then {@link #encode} into a buffer at least that long.
 *
 * <p>Threads: stateless, shareable. Allocation: the UTF-8 bytes of the name and alias.
 */
public final class ScoreRequestEncoder {
    private ScoreRequestEncoder() {}

    /** Bytes of the whole frame, header included. */
    public static int frameLength(EnsembleRef ensemble, int rowCount, int featureCount) {
        return FrameHeader.HEADER_LENGTH + ScoreRequestDecoder.rowsOffset(utf8Length(ensemble.name()), utf8Length(ensemble.alias()))
                + rowCount * featureCount * Float.BYTES;
    }

    /**
     * Writes the frame at {@code offset}.
     *
     * @param rows {@code rowCount x featureCount} values, row-major, from index 0
     * @param tier the latency tier (0-255); used when {@code budgetMicros} is 0
     * @param budgetMicros the latency budget in microseconds, or 0 for the tier's
     * @return bytes written
     */
    public static int encode(MutableDirectBuffer buffer, int offset, long correlationId, int flags, EnsembleRef ensemble, int tier,
            int budgetMicros, float[] rows, int rowCount, int featureCount) {
        if (tier < 0 || tier > 255) {
            throw new IllegalArgumentException("a tier is 0 to 255: " + tier);
        }
        if (featureCount < 1 || featureCount > 0xFFFF) {
            throw new IllegalArgumentException("1 to 65535 features per row: " + featureCount);
        }
        if (budgetMicros < 0) {
            throw new IllegalArgumentException("a budget is not negative: " + budgetMicros);
        }
        if (rowCount < 0 || rows.length < (long) rowCount * featureCount) {
            throw new IllegalArgumentException(rowCount + " rows of " + featureCount + " need " + (long) rowCount * featureCount
                    + " values; got " + rows.length);
        }
        byte[] name = ensemble.name().getBytes(StandardCharsets.UTF_8);
        byte[] alias = ensemble.alias().getBytes(StandardCharsets.UTF_8);
        int body = offset + FrameHeader.HEADER_LENGTH;
        int rowsAt = ScoreRequestDecoder.rowsOffset(name.length, alias.length);
        int values = rowCount * featureCount;
        int bodyLength = rowsAt + values * Float.BYTES;
        FrameHeader.write(buffer, offset, bodyLength, MessageType.SCORE_REQUEST, flags, correlationId);
        buffer.putInt(body + ENSEMBLE_VERSION_OFFSET, ensemble.version(), ORDER);
        buffer.putInt(body + BUDGET_MICROS_OFFSET, budgetMicros, ORDER);
        buffer.putInt(body + ROW_COUNT_OFFSET, rowCount, ORDER);
        buffer.putShort(body + FEATURE_COUNT_OFFSET, (short) featureCount, ORDER);
        buffer.putByte(body + TIER_OFFSET, (byte) tier);
        buffer.putByte(body + NAME_LENGTH_OFFSET, (byte) name.length);
        buffer.putByte(body + ALIAS_LENGTH_OFFSET, (byte) alias.length);
        buffer.setMemory(body + ALIAS_LENGTH_OFFSET + 1, STRINGS_OFFSET - ALIAS_LENGTH_OFFSET - 1, (byte) 0);
        buffer.putBytes(body + STRINGS_OFFSET, name);
        buffer.putBytes(body + STRINGS_OFFSET + name.length, alias);
        int strings = STRINGS_OFFSET + name.length + alias.length;
        buffer.setMemory(body + strings, rowsAt - strings, (byte) 0);
        int at = body + rowsAt;
        for (int i = 0; i < values; i++) {
            buffer.putFloat(at + i * Float.BYTES, rows[i], ORDER);
        }
        return FrameHeader.HEADER_LENGTH + bodyLength;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
