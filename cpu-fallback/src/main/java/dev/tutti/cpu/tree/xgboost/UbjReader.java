package dev.tutti.cpu.tree.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.cpu.tree.model.TreeModelException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads Universal Binary JSON (https://ubjson.org, draft 12, big-endian) into a Jackson tree, as
 * XGBoost writes it with {@code Booster.save_model("m.ubj")}: objects and arrays, both plain
 * ({@code [ ... ]}) and optimized ({@code [$type#count} / {@code [#count}), integers
 * {@code i U I l L}, floats {@code d} (float32, kept as {@code FloatNode} so no value is rounded
 * twice) and {@code D}, strings {@code S}, chars {@code C}, high-precision numbers {@code H},
 * {@code T F Z} and the no-op {@code N}.
 *
 * <p>Threads: one instance per document. Allocation: the tree it builds.
 */
public final class UbjReader {
    private static final int MAX_DEPTH = 256;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ByteBuffer in;

    private UbjReader(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Parses one UBJSON value that fills {@code bytes}.
     *
     * @throws TreeModelException naming the byte offset when the document is malformed or truncated
     */
    public static JsonNode read(byte[] bytes) throws TreeModelException {
        UbjReader reader = new UbjReader(bytes);
        try {
            int marker = reader.nextMarker();
            JsonNode value = reader.value(marker, 0);
            if (reader.in.hasRemaining()) {
                throw reader.error("unexpected data after the top-level value");
            }
            return value;
        } catch (java.nio.BufferUnderflowException e) {
            throw new TreeModelException("UBJSON document is truncated (ends inside a value at byte " + bytes.length + ")", e);
        }
    }

    private TreeModelException error(String what) {
        return new TreeModelException("malformed UBJSON at byte " + in.position() + ": " + what);
    }

    /** The next type marker, skipping no-ops. */
    private int nextMarker() {
        int marker;
        do {
            marker = in.get() & 0xFF;
        } while (marker == 'N');
        return marker;
    }

    private JsonNode value(int marker, int depth) throws TreeModelException {
        return switch (marker) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case 'Z' -> NODES.nullNode();
            case 'T' -> NODES.booleanNode(true);
            case 'F' -> NODES.booleanNode(false);
            case 'i' -> NODES.numberNode((int) in.get());
            case 'U' -> NODES.numberNode(in.get() & 0xFF);
            case 'I' -> NODES.numberNode((int) in.getShort());
            case 'l' -> NODES.numberNode(in.getInt());
            case 'L' -> NODES.numberNode(in.getLong());
            case 'd' -> NODES.numberNode(in.getFloat());
            case 'D' -> NODES.numberNode(in.getDouble());
            case 'C' -> NODES.textNode(String.valueOf((char) (in.get() & 0xFF)));
            case 'S' -> NODES.textNode(string());
            case 'H' -> highPrecision();
            default -> throw error("unknown type marker " + describe(marker));
        };
    }

    private JsonNode highPrecision() throws TreeModelException {
        String text = string();
        try {
            return NODES.numberNode(new BigDecimal(text));
        } catch (NumberFormatException e) {
            throw error("high-precision number '" + text + "' is not a number");
        }
    }

    private String string() throws TreeModelException {
        int length = length(nextMarker());
        if (length > in.remaining()) {
            throw error("truncated: a string of " + length + " bytes runs past the end of the file");
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    /** A non-negative count or length written as an integer of any width. */
    private int length(int marker) throws TreeModelException {
        long n = switch (marker) {
            case 'i' -> in.get();
            case 'U' -> in.get() & 0xFF;
            case 'I' -> in.getShort();
            case 'l' -> in.getInt();
            case 'L' -> in.getLong();
            default -> throw error("expected an integer length, found marker " + describe(marker));
        };
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw error("invalid length " + n);
        }
        return (int) n;
    }

    /** Reads the optional {@code $type} and {@code #count} after a container's opening marker. */
    private long[] containerHeader() throws TreeModelException {
        int type = -1;
        int count = -1;
        int pos = in.position();
        int marker = in.get() & 0xFF;
        if (marker == '$') {
            type = in.get() & 0xFF;
            marker = in.get() & 0xFF;
            if (marker != '#') {
                throw error("a typed container ($" + describe(type) + ") must give a count (#)");
            }
        }
        if (marker == '#') {
            count = length(in.get() & 0xFF);
        } else {
            in.position(pos);
        }
        return new long[] {type, count};
    }

    private ArrayNode array(int depth) throws TreeModelException {
        checkDepth(depth);
        long[] header = containerHeader();
        int type = (int) header[0];
        int count = (int) header[1];
        ArrayNode array = NODES.arrayNode();
        if (count >= 0) {
            if (type >= 0 && fixedSize(type) > 0 && count > in.remaining() / fixedSize(type)) {
                throw error("truncated: an array of " + count + " elements runs past the end of the file");
            }
            for (int i = 0; i < count; i++) {
                array.add(value(type >= 0 ? type : nextMarker(), depth));
            }
            return array;
        }
        while (true) {
            int marker = nextMarker();
            if (marker == ']') {
                return array;
            }
            array.add(value(marker, depth));
        }
    }

    private ObjectNode object(int depth) throws TreeModelException {
        checkDepth(depth);
        long[] header = containerHeader();
        int type = (int) header[0];
        int count = (int) header[1];
        ObjectNode object = NODES.objectNode();
        if (count >= 0) {
            for (int i = 0; i < count; i++) {
                String key = key(nextMarker());
                object.set(key, value(type >= 0 ? type : nextMarker(), depth));
            }
            return object;
        }
        while (true) {
            int marker = nextMarker();
            if (marker == '}') {
                return object;
            }
            String key = key(marker);
            object.set(key, value(nextMarker(), depth));
        }
    }

    /** An object key: a length (its integer marker already read as {@code marker}) and UTF-8 bytes. */
    private String key(int marker) throws TreeModelException {
        int length = length(marker);
        if (length > in.remaining()) {
            throw error("truncated: a key of " + length + " bytes runs past the end of the file");
        }
        String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private void checkDepth(int depth) throws TreeModelException {
        if (depth > MAX_DEPTH) {
            throw error("containers nested deeper than " + MAX_DEPTH);
        }
    }

    /** Lower bound of the bytes per element of a type (0 for the payload-free Z, T, F). */
    private static int fixedSize(int type) {
        return switch (type) {
            case 'Z', 'T', 'F' -> 0;
            case 'I' -> 2;
            case 'l', 'd' -> 4;
            case 'L', 'D' -> 8;
            default -> 1;
        };
    }

    private static String describe(int marker) {
        return marker >= 0x20 && marker < 0x7F ? "'" + (char) marker + "'" : String.format("0x%02X", marker);
    }
}
