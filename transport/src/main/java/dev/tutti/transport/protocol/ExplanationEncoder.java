package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.ExplanationDecoder.MEMBER_BYTES;
import static dev.tutti.transport.protocol.ExplanationDecoder.ROW_FIXED_BYTES;
import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import dev.tutti.engine.ensemble.RowExplanation;
import java.util.List;
import org.agrona.MutableDirectBuffer;

/**
 * Writes the explanation section of a score response (layout in {@link ExplanationDecoder}) from the
 * engine's {@link RowExplanation}s, whose members are in the ensemble's order, the metadata's order.
 *
 * <p>Threads: stateless, shareable. Allocation: none.
 */
public final class ExplanationEncoder {
    private ExplanationEncoder() {}

    /**
     * Writes the section for {@code explanations} (one per row, in row order) at {@code at}.
     *
     * @param members the ensemble's member count; every explanation names that many members
     * @return bytes written ({@link ExplanationDecoder#sectionLength})
     */
    public static int encode(MutableDirectBuffer buffer, int at, List<RowExplanation> explanations, int members) {
        if (members > MemberSummary.MAX_MEMBERS) {
            throw new IllegalArgumentException(members + " members; the protocol carries at most " + MemberSummary.MAX_MEMBERS);
        }
        buffer.putByte(at + ExplanationDecoder.LAYOUT_OFFSET, (byte) ExplanationDecoder.LAYOUT_VERSION);
        buffer.putByte(at + ExplanationDecoder.MEMBER_COUNT_OFFSET, (byte) members);
        buffer.putShort(at + 2, (short) 0, ORDER);
        buffer.putInt(at + ExplanationDecoder.ROW_COUNT_OFFSET, explanations.size(), ORDER);
        int row = at + ExplanationDecoder.ROWS_OFFSET;
        for (RowExplanation e : explanations) {
            if (e.members().size() != members) {
                throw new IllegalArgumentException("an explanation of row " + e.row() + " names " + e.members().size()
                        + " members; the ensemble has " + members);
            }
            long present = 0;
            for (int m = 0; m < members; m++) {
                present |= e.members().get(m).present() ? 1L << m : 0;
            }
            buffer.putInt(row, e.output(), ORDER);
            buffer.putInt(row + 4, ExplanationDecoder.spaceCode(e.space()), ORDER); // space byte, then 3 zero bytes
            buffer.putLong(row + 8, present, ORDER);
            buffer.putDouble(row + 16, e.base(), ORDER);
            buffer.putDouble(row + 24, e.combinedInSpace(), ORDER);
            buffer.putDouble(row + 32, e.consensus(), ORDER);
            int member = row + ROW_FIXED_BYTES;
            for (RowExplanation.Part p : e.members()) {
                buffer.putDouble(member, p.output(), ORDER);
                buffer.putDouble(member + 8, p.weight(), ORDER);
                buffer.putDouble(member + 16, p.contribution(), ORDER);
                member += MEMBER_BYTES;
            }
            row = member;
        }
        return row - at;
    }
}
