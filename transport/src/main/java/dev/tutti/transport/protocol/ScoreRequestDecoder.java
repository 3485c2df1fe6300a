package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import org.agrona.DirectBuffer;

/**
 * Reads the body of a score request in place.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                ensemble version (i32; 0 = none)               |  0
 * +---------------------------------------------------------------+
 * |            budget in microseconds (i32; 0 = the tier's)       |  4
 * +---------------------------------------------------------------+
 * |                      row count N (i32)                        |  8
 * +-------------------------------+---------------+---------------+
 * |      feature count F (u16)    |   tier (u8)   | name len (u8) | 12
 * +---------------+---------------+---------------+---------------+
 * | alias len(u8) |            reserved (3 bytes, zero)           | 16
 * +---------------+-----------------------------------------------+
 * |  name (UTF-8), alias (UTF-8), zero padding to a multiple of 4 ... 20
 * +---------------------------------------------------------------+
 * |   rows: N x F float32, row-major, in the ensemble's encoding  ... R = align4(20 + name len + alias len)
 * +---------------------------------------------------------------+
 * </pre>
 *
 * The body length must be exactly {@code R + 4 N F}. Call {@link #validate} before reading fields.
 *
 * <p>Threads: one at a time. Allocation: none, except {@link #name}, {@link #alias} and {@link #readRows}'s target.
 */
public final class ScoreRequestDecoder {
    public static final int ENSEMBLE_VERSION_OFFSET = 0;
    public static final int BUDGET_MICROS_OFFSET = 4;
    public static final int ROW_COUNT_OFFSET = 8;
    public static final int FEATURE_COUNT_OFFSET = 12;
    public static final int TIER_OFFSET = 14;
    public static final int NAME_LENGTH_OFFSET = 15;
    public static final int ALIAS_LENGTH_OFFSET = 16;
    public static final int STRINGS_OFFSET = 20;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Reads the body that starts at {@code offset} and is {@code length} bytes long. */
    public ScoreRequestDecoder wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Offset of the rows from the body start for strings of these lengths. */
    static int rowsOffset(int nameLength, int aliasLength) {
        return (STRINGS_OFFSET + nameLength + aliasLength + 3) & ~3;
    }

    /**
     * Checks that the body is consistent: fixed part present, a name, counts in range, the length
     * equal to what the counts say.
     *
     * @return null when the body can be read, else why not (for a {@link ErrorCode#MALFORMED_FRAME} error)
     */
    public String validate() {
        if (length < STRINGS_OFFSET) {
            return "a score request body has at least " + STRINGS_OFFSET + " bytes; this one has " + length;
        }
        if (nameLength() == 0) {
            return "the ensemble name is empty";
        }
        if (ensembleVersion() < 0) {
            return "the ensemble version is negative: " + ensembleVersion();
        }
        if (budgetMicros() < 0) {
            return "the budget is negative: " + budgetMicros();
        }
        if (rowCount() < 0) {
            return "the row count is negative: " + rowCount();
        }
        if (featureCount() == 0) {
            return "the feature count is 0";
        }
        long expected = rowsOffset() + (long) rowCount() * featureCount() * Float.BYTES;
        if (expected != length) {
            return "the body has " + length + " bytes; " + rowCount() + " rows of " + featureCount() + " features and the strings need "
                    + expected;
        }
        return null;
    }

    public int ensembleVersion() {
        return buffer.getInt(offset + ENSEMBLE_VERSION_OFFSET, ORDER);
    }

    public int budgetMicros() {
        return buffer.getInt(offset + BUDGET_MICROS_OFFSET, ORDER);
    }

    public int rowCount() {
        return buffer.getInt(offset + ROW_COUNT_OFFSET, ORDER);
    }

    public int featureCount() {
        return buffer.getShort(offset + FEATURE_COUNT_OFFSET, ORDER) & 0xFFFF;
    }

    public int tier() {
        return buffer.getByte(offset + TIER_OFFSET) & 0xFF;
    }

    public int nameLength() {
        return buffer.getByte(offset + NAME_LENGTH_OFFSET) & 0xFF;
    }

    public int aliasLength() {
        return buffer.getByte(offset + ALIAS_LENGTH_OFFSET) & 0xFF;
    }

    public String name() {
        return buffer.getStringWithoutLengthUtf8(offset + STRINGS_OFFSET, nameLength());
    }

    public String alias() {
        return buffer.getStringWithoutLengthUtf8(offset + STRINGS_OFFSET + nameLength(), aliasLength());
    }

    /** Whether the name equals {@code expected}'s UTF-8 bytes, without making a string. */
    public boolean nameEquals(byte[] expected) {
        return bytesEqual(offset + STRINGS_OFFSET, nameLength(), expected);
    }

    /** Whether the alias equals {@code expected}'s UTF-8 bytes, without making a string. */
    public boolean aliasEquals(byte[] expected) {
        return bytesEqual(offset + STRINGS_OFFSET + nameLength(), aliasLength(), expected);
    }

    private boolean bytesEqual(int at, int n, byte[] expected) {
        if (n != expected.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buffer.getByte(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Offset of the rows from the body start. */
    public int rowsOffset() {
        return rowsOffset(nameLength(), aliasLength());
    }

    /** Copies the N x F values into {@code target} from index 0 (the one copy a request's rows get here). */
    public void readRows(float[] target) {
        int values = rowCount() * featureCount();
        int at = offset + rowsOffset();
        for (int i = 0; i < values; i++) {
            target[i] = buffer.getFloat(at + i * Float.BYTES, ORDER);
        }
    }
}
