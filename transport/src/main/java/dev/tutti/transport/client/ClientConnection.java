package dev.tutti.transport.client;

import dev.tutti.transport.netty.FrameDecoder;
import dev.tutti.transport.netty.Outbox;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * One connection of the pool: its channel, pipeline
 * ({@code RequestEncoder -> FrameDecoder -> ClientHandler}) and the {@link Outbox} that coalesces
 * writes from calling threads into one event-loop task and one flush.
 *
 * <p>Threads: {@link #send} from any thread. Ownership: owns its channel; the pool closes it.
 */
final class ClientConnection {
    private final Channel channel;
    private final Outbox<Call<?>> outbox;

    private ClientConnection(Channel channel, ClientHandler handler) {
        this.channel = channel;
        this.outbox = new Outbox<>(channel.pipeline().context(handler), handler::register);
    }

    static ClientConnection open(EventLoopGroup loops, ClientConfig config) throws InterruptedException {
        ClientHandler handler = new ClientHandler();
        Bootstrap b = new Bootstrap().group(loops).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("encoder", new RequestEncoder())
                                .addLast("framer", new FrameDecoder(config.maxFrameBytes()))
                                .addLast("handler", handler);
                    }
                });
        ChannelFuture connect = b.connect(config.host(), config.port()).await();
        if (!connect.isSuccess()) {
            throw new ConnectionClosedException("cannot connect to " + config.host() + ":" + config.port() + ": " + connect.cause(),
                    connect.cause());
        }
        return new ClientConnection(connect.channel(), handler);
    }

    boolean active() {
        return channel.isActive();
    }

    void send(Call<?> call) {
        if (!outbox.offer(call)) {
            call.fail(new ConnectionClosedException("the client is closed", null));
        }
    }

    void close() {
        channel.close().awaitUninterruptibly();
    }
}
