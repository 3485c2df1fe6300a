package dev.tutti.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Makes event-loop groups: NIO, daemon threads named after their role. */
public final class EventLoops {
    private EventLoops() {}

    /** A group of {@code threads} event loops whose threads are named {@code name-N}. */
    public static EventLoopGroup group(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }
}
