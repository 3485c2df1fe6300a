package dev.tutti.transport.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One HTTP connection: hands each aggregated request to the {@link HttpApi} and writes the
 * responses in request order, even when a later request completes first (HTTP/1.1 pipelining).
 *
 * <p>Ownership: the request is released when {@link #channelRead0} returns
 * ({@link SimpleChannelInboundHandler}); the API reads its body before that. A response waiting
 * for an earlier one is owned by its slot and released if the connection closes first.
 *
 * <p>Threads: the channel's event loop only. Allocation: one slot per request.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger(HttpRequestHandler.class.getName());

    private final HttpApi api;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    HttpRequestHandler(HttpApi api) {
        this.api = api;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** One request's place in the response order. */
    private final class Slot implements Exchange {
        final boolean head;
        FullHttpResponse response;

        Slot(boolean head) {
            this.head = head;
        }

        @Override
        public ByteBufAllocator alloc() {
            return ctx.alloc();
        }

        @Override
        public EventExecutor executor() {
            return ctx.executor();
        }

        @Override
        public void respond(FullHttpResponse r) {
            if (!ctx.channel().isActive() || response != null) {
                r.release();
                return;
            }
            if (head) {
                r.content().clear(); // HEAD: headers as for GET, no body
            }
            response = r;
            writeReady();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Slot slot = new Slot(request.method().equals(HttpMethod.HEAD));
        slots.add(slot);
        api.handle(request, slot);
    }

    /** Writes every response whose turn has come; one flush. */
    private void writeReady() {
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().response != null) {
            ctx.write(slots.poll().response, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Slot s : slots) {
            if (s.response != null) {
                s.response.release();
            }
        }
        slots.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && slots.isEmpty()) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "closing HTTP connection " + ctx.channel().remoteAddress() + " after an error", cause);
        ctx.close();
    }
}
