package dev.tutti.transport;

import dev.tutti.transport.binary.BinaryChannelInitializer;
import dev.tutti.transport.http.HttpChannelInitializer;
import dev.tutti.transport.metrics.Protocol;
import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.netty.EventLoops;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The binary protocol server and the HTTP server, on one group of event loops, over one registry of
 * ensembles. {@link #close()} shuts down gracefully: it stops accepting connections and requests
 * (new ones are refused with "shutting down"), waits up to the drain timeout for every request in
 * flight to be answered and written, then closes the connections and the event loops.
 *
 * <p>Ownership: owns its event loops and channels, not the ensembles or their services (close those
 * after this). Threads: {@link #start} and {@link #close} from one controlling thread.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TransportServer.class.getName());

    private final TransportConfig config;
    private final Admission admission = new Admission();
    private final TransportMetrics metrics;
    private final EventLoopGroup loops;
    private final ChannelGroup channels = new DefaultChannelGroup("tutti", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel binary;
    private Channel http;

    private TransportServer(EnsembleRegistry registry, TransportConfig config) {
        this.config = config;
        this.metrics = new TransportMetrics(registry);
        this.loops = EventLoops.group("tutti-io", config.ioThreads());
    }

    /** Binds both servers; throws (and releases what it started) when a port cannot be bound. */
    public static TransportServer start(EnsembleRegistry registry, TransportConfig config) throws InterruptedException {
        config.conclude();
        TransportServer server = new TransportServer(registry, config);
        try {
            BinaryChannelInitializer binaryInit = new BinaryChannelInitializer(registry, server.admission, server.metrics, config);
            HttpChannelInitializer httpInit = new HttpChannelInitializer(registry, server.admission, server.metrics, config);
            server.metrics.connections(Protocol.BINARY, binaryInit.limiter()::open);
            server.metrics.connections(Protocol.HTTP, httpInit.limiter()::open);
            server.binary = server.bind(config.binaryPort(), binaryInit);
            server.http = server.bind(config.httpPort(), httpInit);
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private Channel bind(int port, ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        ChannelGroup group = channels;
        ServerBootstrap b = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        group.add(ch);
                        ch.pipeline().addLast(initializer);
                    }
                });
        Channel channel = b.bind(config.host(), port).sync().channel();
        channels.add(channel);
        return channel;
    }

    public InetSocketAddress binaryAddress() {
        return (InetSocketAddress) binary.localAddress();
    }

    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) http.localAddress();
    }

    public TransportMetrics metrics() {
        return metrics;
    }

    /** Requests admitted and not yet answered, over both servers. */
    public int inFlight() {
        return admission.inFlight();
    }

    /** Whether {@link #close()} has begun: new requests are refused. */
    public boolean draining() {
        return admission.draining();
    }

    /** Graceful shutdown; see the class comment. Returns once the event loops have stopped; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admission.drain();
        try {
            if (binary != null) {
                binary.close().sync();
            }
            if (http != null) {
                http.close().sync();
            }
            Duration drain = config.drainTimeout();
            if (!admission.awaitIdle(drain)) {
                LOG.warning(admission.inFlight() + " requests still in flight after " + drain.toMillis() + " ms; closing anyway");
            }
            channels.close().awaitUninterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
