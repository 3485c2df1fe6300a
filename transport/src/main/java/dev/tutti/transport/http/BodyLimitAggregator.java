package dev.tutti.transport.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link HttpObjectAggregator} with the API's error format: a body over the limit gets
 * {@code 413 {"error": ...}} and {@code Connection: close}; the server ends its side, discards the rest
 * of the body, and closes when the client does (or after {@link #CLOSE_AFTER_MILLIS}).
 *
 * <p>Ownership and threads as {@link HttpObjectAggregator}: it releases the parts it aggregates and
 * passes on a {@code FullHttpRequest} the next handler releases.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    /** How long a refused connection may go on sending the rest of its body before it is closed. */
    private static final long CLOSE_AFTER_MILLIS = 2_000;

    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse r = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "the request body is larger than the limit of " + maxBodyBytes + " bytes");
        r.headers().set(HttpHeaderNames.CONNECTION, "close");
        HttpUtil.setKeepAlive(r, false);
        ctx.writeAndFlush(r).addListener((ChannelFutureListener) written -> {
            // closing with the rest of the body unread would make the kernel reset the connection, and a
            // client still sending could lose the 413 before reading it: end our side only, let the
            // aggregator discard what still comes, and close when the client has read and closed, or soon
            if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                written.channel().eventLoop().schedule(() -> {
                    written.channel().close();
                }, CLOSE_AFTER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                written.channel().close();
            }
        });
    }
}
