package dev.tutti.transport.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link HttpObjectAggregator} with the API's error format: a body over the limit gets
 * {@code 413 {"error": ...}} at once. The rest of the body is read and discarded (closing with it unread
 * makes the kernel reset the connection, and a client still sending loses the answer): a keep-alive
 * connection stays open, as with Netty's own aggregator; another is ended on our side and closed when
 * the client closes (or after {@link #CLOSE_AFTER_MILLIS}); a request whose whole body was read is closed.
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
        if (oversized instanceof FullHttpMessage) {
            // the whole body has been read: nothing left unread, close after the answer
            HttpUtil.setKeepAlive(r, false);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else if (HttpUtil.isKeepAlive(oversized)) {
            // as Netty's own aggregator does: answer at once, discard the rest of the body as it comes
            // (the aggregator drops content with no message in progress), keep the connection
            HttpUtil.setKeepAlive(r, true);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            // closing with the rest of the body unread would make the kernel reset the connection, and a
            // client still sending could lose the 413: end our side only, discard what still comes, and
            // close when the client has read and closed, or soon
            HttpUtil.setKeepAlive(r, false);
            ctx.writeAndFlush(r).addListener((ChannelFutureListener) written -> {
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
}
