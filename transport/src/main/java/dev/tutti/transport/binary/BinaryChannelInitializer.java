package dev.tutti.transport.binary;

import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.netty.AgronaViews;
import dev.tutti.transport.netty.ConnectionLimiter;
import dev.tutti.transport.netty.FrameDecoder;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.ErrorEncoder;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds the pipeline of each accepted binary connection:
 * {@code ConnectionLimiter -> IdleStateHandler -> ReplyEncoder -> FrameDecoder -> RequestHandler}.
 * The encoder sits before the decoder so that the decoder's own error (an unreadable stream) and the
 * handler's replies both pass through it.
 */
public final class BinaryChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final EnsembleRegistry registry;
    private final Admission admission;
    private final TransportMetrics metrics;
    private final TransportConfig config;
    private final ConnectionLimiter limiter;

    public BinaryChannelInitializer(EnsembleRegistry registry, Admission admission, TransportMetrics metrics, TransportConfig config) {
        this.registry = registry;
        this.admission = admission;
        this.metrics = metrics;
        this.config = config;
        this.limiter = new ConnectionLimiter(config.maxConnections(), BinaryChannelInitializer::refusal);
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** The error frame a connection over the limit gets before it is closed. */
    static ByteBuf refusal(ByteBufAllocator alloc) {
        byte[] message = ErrorEncoder.messageBytes("the server has as many connections as it accepts; retry later");
        int length = ErrorEncoder.frameLength(message);
        ByteBuf buf = alloc.buffer(length);
        UnsafeBuffer view = AgronaViews.writable(new UnsafeBuffer(0, 0), buf, length);
        buf.writerIndex(buf.writerIndex() + ErrorEncoder.encode(view, 0, 0, ErrorCode.TOO_MANY_CONNECTIONS, -1, message));
        return buf;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("limiter", limiter)
                .addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("encoder", new ReplyEncoder())
                .addLast("framer", new FrameDecoder(config.maxFrameBytes()))
                .addLast("handler", new RequestHandler(registry, admission, metrics, config.maxRowsPerRequest(),
                        config.maxInFlightPerConnection()));
    }
}
