package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Reads the body of a score response in place.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                      row count N (i32)                        |  0
 * +-------------------------------+---------------+---------------+
 * |      class count K (u16)      | members (u8)  | fallback (u8) |  4   fallback: member index, 255 = none
 * +-------------------------------+---------------+---------------+
 * |              members used (u64 bit mask, bit i = member i)    |  8
 * +---------------------------------------------------------------+
 * |              members missing (u64 bit mask)                   | 16
 * +---------------------------------------------------------------+
 * | N rows of 12 + 4K bytes:                                      | 24
 * |   value (f32)  P(positive) for binary, the predicted class's  |
 * |                probability for multiclass, the value for regression
 * |   predicted class (i32; -1 for regression)                    |
 * |   confidence (f32)                                            |
 * |   K class probabilities (f32 each; none for regression)       |
 * +---------------------------------------------------------------+
 * | one reason per missing member, lowest bit first:              |
 * |   length (u16), UTF-8 text                                    |
 * +---------------------------------------------------------------+
 * | with {@link Flags#EXPLAINED} only: the explanation section    |
 * |   ({@link ExplanationDecoder})                                |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Flags of the header: {@link Flags#DEGRADED}, {@link Flags#FALLBACK}, {@link Flags#EXPLAINED}; pass
 * them to {@link #wrap(DirectBuffer, int, int, int)}, since the body's length depends on them.
 *
 * <p>Threads: one at a time. Allocation: none, except {@link #missingReasons}.
 */
public final class ScoreResponseDecoder {
    public static final int ROW_COUNT_OFFSET = 0;
    public static final int CLASS_COUNT_OFFSET = 4;
    public static final int MEMBER_COUNT_OFFSET = 6;
    public static final int FALLBACK_OFFSET = 7;
    public static final int MEMBERS_USED_OFFSET = 8;
    public static final int MEMBERS_MISSING_OFFSET = 16;
    public static final int ROWS_OFFSET = 24;
    /** The fallback byte when no member answered alone. */
    public static final int NO_FALLBACK = 0xFF;

    private final ExplanationDecoder explanation = new ExplanationDecoder();
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private boolean explained;

    /** Reads the body of a response whose header flags lack {@link Flags#EXPLAINED}. */
    public ScoreResponseDecoder wrap(DirectBuffer buffer, int offset, int length) {
        return wrap(buffer, offset, length, 0);
    }

    /** Reads the body that starts at {@code offset}, {@code length} bytes long, of a frame with header flags {@code flags}. */
    public ScoreResponseDecoder wrap(DirectBuffer buffer, int offset, int length, int flags) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.explained = (flags & Flags.EXPLAINED) != 0;
        return this;
    }

    static int rowStride(int classCount) {
        return 12 + classCount * Float.BYTES;
    }

    /** Null when the body is consistent with its counts, else why not. */
    public String validate() {
        if (length < ROWS_OFFSET) {
            return "a score response body has at least " + ROWS_OFFSET + " bytes; this one has " + length;
        }
        if (rowCount() < 0 || memberCount() > MemberSummary.MAX_MEMBERS) {
            return "row count " + rowCount() + ", member count " + memberCount();
        }
        long at = ROWS_OFFSET + (long) rowCount() * rowStride(classCount());
        for (int i = 0; i < Long.bitCount(membersMissing()); i++) {
            if (at + Short.BYTES > length) {
                return "the body ends before the reason of missing member " + i;
            }
            at += Short.BYTES + (buffer.getShort(offset + (int) at, ORDER) & 0xFFFF);
        }
        if (!explained) {
            return at == length ? null : "the body has " + length + " bytes; its counts say " + at;
        }
        if (at > length) {
            return "the body has " + length + " bytes; its counts say at least " + at;
        }
        return explanation.wrap(buffer, offset + (int) at, length - (int) at).validate(rowCount(), memberCount());
    }

    /** Whether the body carries an explanation section (the header had {@link Flags#EXPLAINED}). */
    public boolean explained() {
        return explained;
    }

    /**
     * The explanation section, wrapped in place (a flyweight owned by this decoder, valid until the
     * next {@code wrap}); only when {@link #explained()}, after {@link #validate()}.
     */
    public ExplanationDecoder explanations() {
        if (!explained) {
            throw new IllegalStateException("this response carries no explanations (the request did not ask for them)");
        }
        return explanation.wrap(buffer, reasonsEnd(), offset + length - reasonsEnd());
    }

    private int reasonsEnd() {
        int at = rowAt(rowCount());
        for (int i = 0; i < Long.bitCount(membersMissing()); i++) {
            at += Short.BYTES + (buffer.getShort(at, ORDER) & 0xFFFF);
        }
        return at;
    }

    public int rowCount() {
        return buffer.getInt(offset + ROW_COUNT_OFFSET, ORDER);
    }

    public int classCount() {
        return buffer.getShort(offset + CLASS_COUNT_OFFSET, ORDER) & 0xFFFF;
    }

    public int memberCount() {
        return buffer.getByte(offset + MEMBER_COUNT_OFFSET) & 0xFF;
    }

    /** Index of the member that answered alone, or -1. */
    public int fallbackMember() {
        int f = buffer.getByte(offset + FALLBACK_OFFSET) & 0xFF;
        return f == NO_FALLBACK ? -1 : f;
    }

    public long membersUsed() {
        return buffer.getLong(offset + MEMBERS_USED_OFFSET, ORDER);
    }

    public long membersMissing() {
        return buffer.getLong(offset + MEMBERS_MISSING_OFFSET, ORDER);
    }

    private int rowAt(int row) {
        return offset + ROWS_OFFSET + row * rowStride(classCount());
    }

    public float value(int row) {
        return buffer.getFloat(rowAt(row), ORDER);
    }

    public int predictedClass(int row) {
        return buffer.getInt(rowAt(row) + 4, ORDER);
    }

    public float confidence(int row) {
        return buffer.getFloat(rowAt(row) + 8, ORDER);
    }

    public float probability(int row, int k) {
        return buffer.getFloat(rowAt(row) + 12 + k * Float.BYTES, ORDER);
    }

    /** The reasons of the missing members, lowest bit first. Allocates. */
    public List<String> missingReasons() {
        int n = Long.bitCount(membersMissing());
        List<String> reasons = new ArrayList<>(n);
        int at = rowAt(rowCount());
        for (int i = 0; i < n; i++) {
            int len = buffer.getShort(at, ORDER) & 0xFFFF;
            reasons.add(buffer.getStringWithoutLengthUtf8(at + Short.BYTES, len));
            at += Short.BYTES + len;
        }
        return reasons;
    }
}
