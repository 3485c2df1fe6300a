package dev.tutti.transport.http;

import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.netty.ConnectionLimiter;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted HTTP connection:
 * {@code ConnectionLimiter -> IdleStateHandler -> HttpServerCodec -> HttpServerKeepAliveHandler ->
 * BodyLimitAggregator -> HttpRequestHandler}. A connection over the limit is closed at once.
 */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final HttpApi api;
    private final TransportConfig config;
    private final ConnectionLimiter limiter;

    public HttpChannelInitializer(EnsembleRegistry registry, Admission admission, TransportMetrics metrics, TransportConfig config) {
        this.api = new HttpApi(registry, admission, metrics, config);
        this.config = config;
        this.limiter = new ConnectionLimiter(config.maxConnections(), null);
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("limiter", limiter)
                .addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec())
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("aggregator", new BodyLimitAggregator(config.maxHttpBodyBytes()))
                .addLast("handler", new HttpRequestHandler(api));
    }
}
