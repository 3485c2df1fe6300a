package dev.tutti.transport.protocol;

import static dev.tutti.transport.protocol.FrameHeader.ORDER;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The body of a metadata response: an ensemble's {@link ModelMetadata}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     version (i32)                             |  0
 * +---------------------------------------------------------------+
 * |                 max rows per request (i32)                    |  4
 * +-------------------------------+-------------------------------+
 * |      feature count F (u16)    |      class count K (u16)      |  8
 * +---------------+---------------+-------------------------------+
 * |   task (u8)   | members M (u8)|       reserved (u16, zero)    | 12   task: 0 binary, 1 multiclass, 2 regression
 * +---------------+---------------+-------------------------------+
 * | strings, each a u16 length and UTF-8 bytes, in this order:   ... 16
 * |   the ensemble name; K class labels; M member names;          |
 * |   F features, each: type (u8: 0 numeric, 1 categorical),      |
 * |     flags (u8: bit 0 missing allowed, bit 1 unknown category  |
 * |     read as missing), category count C (u16), the name, then  |
 * |     C category labels in code order                           |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Rare and small, so one class writes and reads it, with a walking cursor.
 *
 * <p>Threads: stateless. Allocation: strings and lists.
 */
public final class MetadataResponseCodec {
    public static final int VERSION_OFFSET = 0;
    public static final int MAX_ROWS_OFFSET = 4;
    public static final int FEATURE_COUNT_OFFSET = 8;
    public static final int CLASS_COUNT_OFFSET = 10;
    public static final int TASK_OFFSET = 12;
    public static final int MEMBER_COUNT_OFFSET = 13;
    public static final int STRINGS_OFFSET = 16;

    private MetadataResponseCodec() {}

    public static int frameLength(ModelMetadata m) {
        int n = STRINGS_OFFSET + stringLength(m.name());
        for (String c : m.classes()) {
            n += stringLength(c);
        }
        for (String member : m.members()) {
            n += stringLength(member);
        }
        for (FeatureSpec f : m.features()) {
            n += 4 + stringLength(f.name());
            for (String c : f.categories()) {
                n += stringLength(c);
            }
        }
        return FrameHeader.HEADER_LENGTH + n;
    }

    private static int stringLength(String s) {
        return Short.BYTES + ScoreRequestEncoder.utf8Length(s);
    }

    /** Writes the whole frame; returns bytes written. */
    public static int encode(MutableDirectBuffer buffer, int offset, long correlationId, ModelMetadata m) {
        int body = offset + FrameHeader.HEADER_LENGTH;
        buffer.putInt(body + VERSION_OFFSET, m.version(), ORDER);
        buffer.putInt(body + MAX_ROWS_OFFSET, m.maxRowsPerRequest(), ORDER);
        buffer.putShort(body + FEATURE_COUNT_OFFSET, (short) m.features().size(), ORDER);
        buffer.putShort(body + CLASS_COUNT_OFFSET, (short) m.classes().size(), ORDER);
        buffer.putByte(body + TASK_OFFSET, (byte) m.task().ordinal());
        buffer.putByte(body + MEMBER_COUNT_OFFSET, (byte) m.members().size());
        buffer.putShort(body + MEMBER_COUNT_OFFSET + 1, (short) 0, ORDER);
        int at = putString(buffer, body + STRINGS_OFFSET, m.name());
        for (String c : m.classes()) {
            at = putString(buffer, at, c);
        }
        for (String member : m.members()) {
            at = putString(buffer, at, member);
        }
        for (FeatureSpec f : m.features()) {
            buffer.putByte(at, (byte) (f.isCategorical() ? 1 : 0));
            buffer.putByte(at + 1, (byte) ((f.missingAllowed() ? 1 : 0) | (f.unknownAsMissing() ? 2 : 0)));
            buffer.putShort(at + 2, (short) f.categories().size(), ORDER);
            at = putString(buffer, at + 4, f.name());
            for (String c : f.categories()) {
                at = putString(buffer, at, c);
            }
        }
        FrameHeader.write(buffer, offset, at - body, MessageType.METADATA_RESPONSE, 0, correlationId);
        return at - offset;
    }

    private static int putString(MutableDirectBuffer buffer, int at, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        buffer.putShort(at, (short) bytes.length, ORDER);
        buffer.putBytes(at + Short.BYTES, bytes);
        return at + Short.BYTES + bytes.length;
    }

    /**
     * Reads the body at {@code offset}.
     *
     * @throws MalformedFrameException when a length runs past the body or the schema is invalid
     */
    public static ModelMetadata decode(DirectBuffer buffer, int offset, int length) {
        if (length < STRINGS_OFFSET) {
            throw new MalformedFrameException("a metadata response body has at least " + STRINGS_OFFSET + " bytes; this one has " + length);
        }
        int taskCode = buffer.getByte(offset + TASK_OFFSET) & 0xFF;
        if (taskCode >= Task.values().length) {
            throw new MalformedFrameException("unknown task " + taskCode);
        }
        Cursor c = new Cursor(buffer, offset, length, STRINGS_OFFSET);
        String name = c.string();
        List<String> classes = c.strings(buffer.getShort(offset + CLASS_COUNT_OFFSET, ORDER) & 0xFFFF);
        List<String> members = c.strings(buffer.getByte(offset + MEMBER_COUNT_OFFSET) & 0xFF);
        int featureCount = buffer.getShort(offset + FEATURE_COUNT_OFFSET, ORDER) & 0xFFFF;
        List<FeatureSpec> features = new ArrayList<>(featureCount);
        for (int i = 0; i < featureCount; i++) {
            int type = c.u8();
            int flags = c.u8();
            int categories = c.u16();
            String feature = c.string();
            try {
                features.add(new FeatureSpec(feature, type == 1 ? FeatureType.CATEGORICAL : FeatureType.NUMERIC, c.strings(categories),
                        (flags & 1) != 0, (flags & 2) != 0));
            } catch (IllegalArgumentException e) {
                throw new MalformedFrameException("feature " + i + ": " + e.getMessage());
            }
        }
        if (c.at != length) {
            throw new MalformedFrameException("the metadata response body has " + length + " bytes; its contents end at " + c.at);
        }
        try {
            return new ModelMetadata(name, buffer.getInt(offset + VERSION_OFFSET, ORDER), Task.values()[taskCode], classes, members,
                    new InputSchema(features), buffer.getInt(offset + MAX_ROWS_OFFSET, ORDER));
        } catch (IllegalArgumentException e) {
            throw new MalformedFrameException(e.getMessage());
        }
    }

    /** A bounds-checked read position inside one body. */
    private static final class Cursor {
        final DirectBuffer buffer;
        final int offset;
        final int length;
        int at;

        Cursor(DirectBuffer buffer, int offset, int length, int at) {
            this.buffer = buffer;
            this.offset = offset;
            this.length = length;
            this.at = at;
        }

        private void need(int n) {
            if (at + n > length) {
                throw new MalformedFrameException("the metadata response body ends at " + length + "; a field needs " + (at + n));
            }
        }

        int u8() {
            need(1);
            return buffer.getByte(offset + at++) & 0xFF;
        }

        int u16() {
            need(2);
            int v = buffer.getShort(offset + at, ORDER) & 0xFFFF;
            at += 2;
            return v;
        }

        String string() {
            int n = u16();
            need(n);
            String s = buffer.getStringWithoutLengthUtf8(offset + at, n);
            at += n;
            return s;
        }

        List<String> strings(int count) {
            List<String> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(string());
            }
            return out;
        }
    }
}
