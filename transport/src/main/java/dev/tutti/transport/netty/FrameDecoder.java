package dev.tutti.transport.netty;

import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into frames by their little-endian u32 length prefix (docs/protocol.md) and
 * does nothing else: it neither reads the header nor the body.
 *
 * <p>Emits each whole frame, length field included, as a retained slice of the cumulation buffer.
 * <b>Ownership</b>: the next handler owns each emitted frame and must release it; the decoder
 * releases its cumulation itself ({@link ByteToMessageDecoder}). A length below
 * {@link FrameHeader#MIN_FRAME_LENGTH} or a frame above {@code maxFrameBytes} cannot be skipped
 * safely: the decoder emits one {@link UnreadableStream} and discards every byte after it.
 *
 * <p>Threads: the channel's event loop. Allocation: one slice object per frame.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;
    private boolean broken;

    /** @param maxFrameBytes the largest frame accepted, length field included */
    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < FrameHeader.LENGTH_FIELD_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedIntLE(start);
        if (length < FrameHeader.MIN_FRAME_LENGTH) {
            fail(in, out, ErrorCode.MALFORMED_FRAME, 0, "frame length " + length + " is below the header's "
                    + FrameHeader.MIN_FRAME_LENGTH + " bytes; the stream cannot be read on");
            return;
        }
        long total = length + FrameHeader.LENGTH_FIELD_LENGTH;
        if (total > maxFrameBytes) {
            long id = in.readableBytes() >= FrameHeader.HEADER_LENGTH ? in.getLongLE(start + FrameHeader.CORRELATION_ID_OFFSET) : 0;
            fail(in, out, ErrorCode.FRAME_TOO_LARGE, id, "frame of " + total + " bytes is above the limit of " + maxFrameBytes + " bytes");
            return;
        }
        if (in.readableBytes() < total) {
            return;
        }
        out.add(in.readRetainedSlice((int) total));
    }

    private void fail(ByteBuf in, List<Object> out, ErrorCode code, long correlationId, String message) {
        broken = true;
        in.skipBytes(in.readableBytes());
        out.add(new UnreadableStream(code, correlationId, message));
    }
}
