package dev.tutti.transport.client;

import dev.tutti.transport.netty.AgronaViews;
import dev.tutti.transport.protocol.Flags;
import dev.tutti.transport.protocol.MetadataRequestCodec;
import dev.tutti.transport.protocol.ScoreRequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes each {@link Call} as one request frame into a buffer of exactly its size, through the
 * protocol's encoders.
 *
 * <p>Ownership: {@link MessageToByteEncoder} allocates the buffer; the transport releases it once
 * written. Threads: the channel's event loop. Allocation: the frame buffer, the UTF-8 of the name.
 */
final class RequestEncoder extends MessageToByteEncoder<Call<?>> {
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    private static int length(Call<?> call) {
        return switch (call) {
            case Call.Score s -> ScoreRequestEncoder.frameLength(s.ensemble, s.rowCount, s.featureCount);
            case Call.Metadata m -> MetadataRequestCodec.frameLength(m.ensemble);
        };
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Call<?> call, boolean preferDirect) {
        return ctx.alloc().ioBuffer(length(call));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Call<?> call, ByteBuf out) {
        AgronaViews.writable(view, out, length(call));
        int written = switch (call) {
            case Call.Score s -> ScoreRequestEncoder.encode(view, 0, s.correlationId, s.options.explain() ? Flags.EXPLAIN : 0,
                    s.ensemble, s.options.tier(), s.options.budgetMicros(), s.rows, s.rowCount, s.featureCount);
            case Call.Metadata m -> MetadataRequestCodec.encode(view, 0, m.correlationId, m.ensemble);
        };
        out.writerIndex(out.writerIndex() + written);
        AgronaViews.release(view);
    }
}
