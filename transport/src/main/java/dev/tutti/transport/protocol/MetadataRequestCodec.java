package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The body of a metadata request: which ensemble to describe.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                ensemble version (i32; 0 = none)               |  0
 * +---------------+---------------+-------------------------------+
 * | name len (u8) | alias len(u8) |       reserved (u16, zero)    |  4
 * +---------------+---------------+-------------------------------+
 * |               name (UTF-8), alias (UTF-8)                    ...  8
 * +---------------------------------------------------------------+
 * </pre>
 *
 * The body length is exactly {@code 8 + name len + alias len}. Small and rare, so one class both
 * writes ({@link #encode}) and reads ({@link #decode}) it.
 *
 * <p>Threads: stateless. Allocation: the strings.
 */
public final class MetadataRequestCodec {
    public static final int ENSEMBLE_VERSION_OFFSET = 0;
    public static final int NAME_LENGTH_OFFSET = 4;
    public static final int ALIAS_LENGTH_OFFSET = 5;
    public static final int STRINGS_OFFSET = 8;

    private MetadataRequestCodec() {}

    public static int frameLength(EnsembleRef ensemble) {
        return FrameHeader.HEADER_LENGTH + STRINGS_OFFSET + ScoreRequestEncoder.utf8Length(ensemble.name())
                + ScoreRequestEncoder.utf8Length(ensemble.alias());
    }

    /** Writes the whole frame; returns bytes written. */
    public static int encode(MutableDirectBuffer buffer, int offset, long correlationId, EnsembleRef ensemble) {
        byte[] name = ensemble.name().getBytes(StandardCharsets.UTF_8);
        byte[] alias = ensemble.alias().getBytes(StandardCharsets.UTF_8);
        int body = offset + FrameHeader.HEADER_LENGTH;
        int bodyLength = STRINGS_OFFSET + name.length + alias.length;
        FrameHeader.write(buffer, offset, bodyLength, MessageType.METADATA_REQUEST, 0, correlationId);
        buffer.putInt(body + ENSEMBLE_VERSION_OFFSET, ensemble.version(), ORDER);
        buffer.putByte(body + NAME_LENGTH_OFFSET, (byte) name.length);
        buffer.putByte(body + ALIAS_LENGTH_OFFSET, (byte) alias.length);
        buffer.putShort(body + ALIAS_LENGTH_OFFSET + 1, (short) 0, ORDER);
        buffer.putBytes(body + STRINGS_OFFSET, name);
        buffer.putBytes(body + STRINGS_OFFSET + name.length, alias);
        return FrameHeader.HEADER_LENGTH + bodyLength;
    }

    /**
     * Reads the body at {@code offset}.
     *
     * @throws MalformedFrameException when the lengths disagree or the reference is invalid
     */
    public static EnsembleRef decode(DirectBuffer buffer, int offset, int length) {
        if (length < STRINGS_OFFSET) {
            throw new MalformedFrameException("a metadata request body has at least " + STRINGS_OFFSET + " bytes; this one has " + length);
        }
        int nameLength = buffer.getByte(offset + NAME_LENGTH_OFFSET) & 0xFF;
        int aliasLength = buffer.getByte(offset + ALIAS_LENGTH_OFFSET) & 0xFF;
        if (STRINGS_OFFSET + nameLength + aliasLength != length) {
            throw new MalformedFrameException("the metadata request body has " + length + " bytes; its string lengths say "
                    + (STRINGS_OFFSET + nameLength + aliasLength));
        }
        try {
            return new EnsembleRef(buffer.getStringWithoutLengthUtf8(offset + STRINGS_OFFSET, nameLength),
                    buffer.getInt(offset + ENSEMBLE_VERSION_OFFSET, ORDER),
                    buffer.getStringWithoutLengthUtf8(offset + STRINGS_OFFSET + nameLength, aliasLength));
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(e.getMessage());
        }
    }
}
