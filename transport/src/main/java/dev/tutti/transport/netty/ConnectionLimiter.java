package dev.tutti.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Caps the open connections of one server: the first handler of every accepted channel. A connection
 * over the cap gets the refusal bytes (if any) and is closed before any other handler sees data.
 *
 * <p>Threads: shared by all channels of a server ({@link Sharable}); the count is atomic.
 * Ownership: the refusal function allocates a fresh buffer per refused connection, which the write
 * releases.
 */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final int maxConnections;
    private final Function<ByteBufAllocator, ByteBuf> refusal;
    private final AtomicInteger open = new AtomicInteger();

    /** @param refusal makes the bytes sent to a refused connection, or null to close without a word */
    public ConnectionLimiter(int maxConnections, Function<ByteBufAllocator, ByteBuf> refusal) {
        this.maxConnections = maxConnections;
        this.refusal = refusal;
    }

    /** Connections open now (refused ones are not counted). */
    public int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            ctx.channel().config().setAutoRead(false);
            ctx.pipeline().remove(this); // a refused channel must not decrement the count when it closes
            if (refusal == null) {
                ctx.close();
            } else {
                ctx.writeAndFlush(refusal.apply(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }
}
