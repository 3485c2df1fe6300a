package dev.tutti.transport.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The tensor datatypes of the Open Inference Protocol: sizes and little-endian reads as text cells. */
final class Datatypes {
    private Datatypes() {}

    /** Bytes per element; 0 for BYTES (variable), -1 when unknown. */
    static int bytes(String datatype) {
        return switch (datatype) {
            case "BOOL", "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            case "INT64", "UINT64", "FP64" -> 8;
            case "BYTES" -> 0;
            default -> -1;
        };
    }

    /** Whether elements of this type are numbers (BOOL counts: 0 or 1). */
    static boolean numeric(String datatype) {
        return bytes(datatype) > 0;
    }

    /** One element at {@code at} as the text a number cell holds. */
    static String read(String datatype, ByteBuf data, int at) {
        return switch (datatype) {
            case "BOOL" -> data.getByte(at) != 0 ? "1" : "0";
            case "INT8" -> Byte.toString(data.getByte(at));
            case "UINT8" -> Integer.toString(data.getUnsignedByte(at));
            case "INT16" -> Short.toString(data.getShortLE(at));
            case "UINT16" -> Integer.toString(data.getUnsignedShortLE(at));
            case "FP16" -> Float.toString(Float.float16ToFloat(data.getShortLE(at)));
            case "INT32" -> Integer.toString(data.getIntLE(at));
            case "UINT32" -> Long.toString(data.getUnsignedIntLE(at));
            case "FP32" -> Float.toString(data.getFloatLE(at));
            case "INT64" -> Long.toString(data.getLongLE(at));
            case "UINT64" -> Long.toUnsignedString(data.getLongLE(at));
            case "FP64" -> Double.toString(data.getDoubleLE(at));
            default -> throw new IllegalArgumentException(datatype);
        };
    }

    /** Appends one BYTES element (4-byte little-endian length, then UTF-8) to {@code out}. */
    static void writeBytesElement(ByteBuf out, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.writeIntLE(b.length);
        out.writeBytes(b);
    }
}
