package dev.tutti.transport.testing;

import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorEncoder;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MessageType;
import dev.tutti.transport.protocol.MetadataRequestCodec;
import dev.tutti.transport.protocol.ScoreRequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;

/** Whole frames as bytes, made with the protocol's encoders, for feeding handlers and sockets. */
public final class Frames {
    private Frames() {}

    public static byte[] scoreRequest(long id, int flags, EnsembleRef ref, float[] rows, int rowCount, int featureCount) {
        byte[] bytes = new byte[ScoreRequestEncoder.frameLength(ref, rowCount, featureCount)];
        ScoreRequestEncoder.encode(new UnsafeBuffer(bytes), 0, id, flags, ref, 0, 0, rows, rowCount, featureCount);
        return bytes;
    }

    public static byte[] metadataRequest(long id, EnsembleRef ref) {
        byte[] bytes = new byte[MetadataRequestCodec.frameLength(ref)];
        MetadataRequestCodec.encode(new UnsafeBuffer(bytes), 0, id, ref);
        return bytes;
    }

    /** A frame with a header and {@code body} as given (any type, version, flags). */
    public static byte[] raw(int version, int type, long id, byte[] body) {
        byte[] bytes = new byte[FrameHeader.HEADER_LENGTH + body.length];
        UnsafeBuffer b = new UnsafeBuffer(bytes);
        b.putInt(0, FrameHeader.MIN_FRAME_LENGTH + body.length, FrameHeader.ORDER);
        b.putByte(4, (byte) version);
        b.putByte(5, (byte) type);
        b.putLong(8, id, FrameHeader.ORDER);
        b.putBytes(16, body);
        return bytes;
    }

    public static byte[] error(long id, dev.tutti.transport.protocol.ErrorCode code, int row, String message) {
        byte[] m = ErrorEncoder.messageBytes(message);
        byte[] bytes = new byte[ErrorEncoder.frameLength(m)];
        ErrorEncoder.encode(new UnsafeBuffer(bytes), 0, id, code, row, m);
        return bytes;
    }

    public static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(concat(parts));
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The header of a frame held in {@code buf} (not consumed). */
    public static FrameHeader header(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return new FrameHeader().wrap(new UnsafeBuffer(bytes), 0);
    }

    public static MessageType type(ByteBuf buf) {
        return MessageType.of(header(buf).type());
    }

    /** A view of a whole frame's bytes, for decoders (index 0 = frame start). */
    public static UnsafeBuffer view(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return new UnsafeBuffer(bytes);
    }
}
