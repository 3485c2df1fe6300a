package dev.tutti.transport.binary;

import dev.tutti.transport.netty.AgronaViews;
import dev.tutti.transport.protocol.ErrorEncoder;
import dev.tutti.transport.protocol.MetadataResponseCodec;
import dev.tutti.transport.protocol.ScoreResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes each {@link Reply} as one frame into a buffer of exactly its size, through the protocol's
 * encoders (flyweights over an Agrona view of the buffer's memory).
 *
 * <p>Ownership: {@link MessageToByteEncoder} allocates the buffer (direct, from the channel's
 * allocator) and passes it on; the transport releases it once written. Threads: the channel's event
 * loop. Allocation: the frame buffer; UTF-8 bytes of error messages and reasons.
 */
public final class ReplyEncoder extends MessageToByteEncoder<Reply> {
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    public ReplyEncoder() {
        super(Reply.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Reply reply, boolean preferDirect) {
        return ctx.alloc().ioBuffer(length(reply));
    }

    private static int length(Reply reply) {
        return switch (reply) {
            case Reply.Score s -> ScoreResponseEncoder.frameLength(s.response(), s.classCount(), s.members());
            case Reply.Metadata m -> MetadataResponseCodec.frameLength(m.metadata());
            case Reply.Error e -> ErrorEncoder.frameLength(ErrorEncoder.messageBytes(e.message()));
        };
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Reply reply, ByteBuf out) {
        int length = length(reply);
        AgronaViews.writable(view, out, length);
        int written = switch (reply) {
            case Reply.Score s -> ScoreResponseEncoder.encode(view, 0, s.correlationId(), s.response(), s.classCount(), s.members());
            case Reply.Metadata m -> MetadataResponseCodec.encode(view, 0, m.correlationId(), m.metadata());
            case Reply.Error e -> ErrorEncoder.encode(view, 0, e.correlationId(), e.code(), e.row(), ErrorEncoder.messageBytes(e.message()));
        };
        out.writerIndex(out.writerIndex() + written);
        AgronaViews.release(view);
    }
}
