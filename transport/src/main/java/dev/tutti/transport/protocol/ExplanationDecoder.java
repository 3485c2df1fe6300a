package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import dev.tutti.combine.ContributionSpace;
import org.agrona.DirectBuffer;

/**
 * Reads the explanation section of a score response in place (present when the response's header
 * has {@link Flags#EXPLAINED}; it follows the missing members' reasons). Layout version 1:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * | layout (u8)=1 | members M (u8)|       reserved (u16, zero)    |  0
 * +---------------+---------------+-------------------------------+
 * |                      row count N (i32)                        |  4
 * +---------------------------------------------------------------+
 * | N rows of 40 + 24 M bytes each:                               |  8
 * |    0 explained output (i32: the predicted class for           |
 * |      multiclass, 0 otherwise)                                 |
 * |    4 space (u8: 0 value, 1 logit, 2 log, 3 rank),             |
 * |      reserved (3 bytes, zero)                                 |
 * |    8 members present (u64 bit mask, bit i = member i)         |
 * |   16 base (f64)                                               |
 * |   24 combined in space (f64)                                  |
 * |   32 consensus (f64)                                          |
 * |   40 M members, in metadata order, 24 bytes each:             |
 * |        output (f64; NaN when absent), weight (f64),           |
 * |        contribution (f64)                                     |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * In each row {@code base + sum(contribution) = combined in space} up to rounding. Numbers are f64 so
 * that the sum holds as in the engine.
 *
 * <p>Threads: one at a time. Allocation: none.
 */
public final class ExplanationDecoder {
    /** The layout this code writes and reads. */
    public static final int LAYOUT_VERSION = 1;
    public static final int LAYOUT_OFFSET = 0;
    public static final int MEMBER_COUNT_OFFSET = 1;
    public static final int ROW_COUNT_OFFSET = 4;
    public static final int ROWS_OFFSET = 8;
    static final int ROW_FIXED_BYTES = 40;
    static final int MEMBER_BYTES = 24;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Reads the section that starts at {@code offset} and is {@code length} bytes long. */
    public ExplanationDecoder wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Bytes of one row's entry for {@code members} members. */
    static int rowStride(int members) {
        return ROW_FIXED_BYTES + members * MEMBER_BYTES;
    }

    /** Bytes of a whole section of {@code rows} rows and {@code members} members. */
    public static long sectionLength(int rows, int members) {
        return ROWS_OFFSET + (long) rows * rowStride(members);
    }

    /**
     * Null when the section is one this code reads and agrees with the response's counts, else why not.
     */
    public String validate(int expectedRows, int expectedMembers) {
        if (length < ROWS_OFFSET) {
            return "the explanation section has at least " + ROWS_OFFSET + " bytes; this one has " + length;
        }
        if (layoutVersion() != LAYOUT_VERSION) {
            return "explanation layout " + layoutVersion() + " is not read here (this client reads layout " + LAYOUT_VERSION + ")";
        }
        if (rowCount() != expectedRows || memberCount() != expectedMembers) {
            return "the explanation section has " + rowCount() + " rows of " + memberCount() + " members; the response has "
                    + expectedRows + " rows of " + expectedMembers;
        }
        long expected = sectionLength(rowCount(), memberCount());
        if (expected != length) {
            return "the explanation section has " + length + " bytes; its counts say " + expected;
        }
        for (int r = 0; r < rowCount(); r++) {
            if (spaceCode(r) > 3) {
                return "row " + r + " of the explanation section has an unknown contribution space " + spaceCode(r);
            }
        }
        return null;
    }

    public int layoutVersion() {
        return buffer.getByte(offset + LAYOUT_OFFSET) & 0xFF;
    }

    public int memberCount() {
        return buffer.getByte(offset + MEMBER_COUNT_OFFSET) & 0xFF;
    }

    public int rowCount() {
        return buffer.getInt(offset + ROW_COUNT_OFFSET, ORDER);
    }

    private int rowAt(int row) {
        return offset + ROWS_OFFSET + row * rowStride(memberCount());
    }

    /** The explained output: the predicted class for multiclass, 0 otherwise. */
    public int output(int row) {
        return buffer.getInt(rowAt(row), ORDER);
    }

    /** The wire code of the row's contribution space (see {@link #space}). */
    public int spaceCode(int row) {
        return buffer.getByte(rowAt(row) + 4) & 0xFF;
    }

    /** The row's contribution space; throws {@link MalformedFrameException} for an unknown code. */
    public ContributionSpace space(int row) {
        return spaceOf(spaceCode(row));
    }

    public long membersPresent(int row) {
        return buffer.getLong(rowAt(row) + 8, ORDER);
    }

    public double base(int row) {
        return buffer.getDouble(rowAt(row) + 16, ORDER);
    }

    public double combinedInSpace(int row) {
        return buffer.getDouble(rowAt(row) + 24, ORDER);
    }

    public double consensus(int row) {
        return buffer.getDouble(rowAt(row) + 32, ORDER);
    }

    public double memberOutput(int row, int member) {
        return buffer.getDouble(memberAt(row, member), ORDER);
    }

    public double memberWeight(int row, int member) {
        return buffer.getDouble(memberAt(row, member) + 8, ORDER);
    }

    public double memberContribution(int row, int member) {
        return buffer.getDouble(memberAt(row, member) + 16, ORDER);
    }

    private int memberAt(int row, int member) {
        return rowAt(row) + ROW_FIXED_BYTES + member * MEMBER_BYTES;
    }

    /** The wire code of a contribution space. */
    public static int spaceCode(ContributionSpace space) {
        return switch (space) {
            case VALUE -> 0;
            case LOGIT -> 1;
            case LOG -> 2;
            case RANK -> 3;
        };
    }

    /** The contribution space of a wire code; throws {@link MalformedFrameException} for an unknown one. */
    public static ContributionSpace spaceOf(int code) {
        return switch (code) {
            case 0 -> ContributionSpace.VALUE;
            case 1 -> ContributionSpace.LOGIT;
            case 2 -> ContributionSpace.LOG;
            case 3 -> ContributionSpace.RANK;
            default -> throw new MalformedFrameException("unknown contribution space " + code + " in an explanation");
        };
    }
}
