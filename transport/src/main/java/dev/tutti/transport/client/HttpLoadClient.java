package dev.tutti.transport.client;

import dev.tutti.transport.netty.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 client for load runs and tests: a fixed set of keep-alive connections, one
 * request in flight on each (no pipelining, as most HTTP clients), requests waiting in a queue for
 * the next free connection. Bodies are prebuilt; each send writes a duplicate of one, so the client
 * spends little CPU beside the server it measures.
 *
 * <p>Threads: {@link #post} from any thread; futures complete on the client's event loop with the
 * status code and the response body (UTF-8). Ownership: the caller keeps its body buffers (the client
 * only writes retained duplicates) and releases them after {@link #close}. Allocation: one request
 * object and one future per call.
 */
public final class HttpLoadClient implements AutoCloseable {
    /** One answer: status code and body text. */
    public record Answer(int status, String body) {}

    private final EventLoopGroup loops = EventLoops.group("tutti-http-load", 1);
    private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private final Queue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final List<Connection> all = new ArrayList<>();
    private final String host;
    private final int port;

    private record Pending(String path, ByteBuf body, CompletableFuture<Answer> future) {}

    /** Opens {@code connections} keep-alive connections to {@code host:port}. */
    public HttpLoadClient(String host, int port, int connections) throws InterruptedException {
        this.host = host;
        this.port = port;
        for (int i = 0; i < connections; i++) {
            Connection c = new Connection();
            Bootstrap b = new Bootstrap().group(loops).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 << 20), c);
                        }
                    });
            c.channel = b.connect(host, port).sync().channel();
            all.add(c);
            idle.add(c);
        }
    }

    /** POSTs {@code body} (JSON) to {@code path}; completes with the answer. */
    public CompletableFuture<Answer> post(String path, ByteBuf body) {
        CompletableFuture<Answer> f = new CompletableFuture<>();
        waiting.add(new Pending(path, body, f));
        dispatch();
        return f;
    }

    private void dispatch() {
        while (!waiting.isEmpty()) {
            Connection c = idle.poll();
            if (c == null) {
                return;
            }
            Pending p = waiting.poll();
            if (p == null) {
                idle.add(c);
                return;
            }
            c.send(p);
        }
    }

    /** Requests waiting for a free connection. */
    public int waiting() {
        return waiting.size();
    }

    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        Channel channel;
        CompletableFuture<Answer> current;

        void send(Pending p) {
            current = p.future();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, p.path(), p.body().retainedDuplicate());
            request.headers().set(HttpHeaderNames.HOST, host + ":" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, p.body().readableBytes());
            channel.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            CompletableFuture<Answer> f = current;
            current = null;
            idle.add(this);
            dispatch();
            f.complete(new Answer(response.status().code(), response.content().toString(java.nio.charset.StandardCharsets.UTF_8)));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current != null) {
                current.completeExceptionally(new ConnectionClosedException("the HTTP connection closed", null));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A body buffer for {@link #post}: the bytes of {@code json}, unpooled, owned by the caller. */
    public static ByteBuf body(String json) {
        return Unpooled.copiedBuffer(json, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (Connection c : all) {
            c.channel.close().awaitUninterruptibly();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
