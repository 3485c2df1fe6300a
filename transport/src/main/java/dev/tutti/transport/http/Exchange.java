package dev.tutti.transport.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.EventExecutor;

/**
 * One request's way back to its connection. {@link #respond} must be called exactly once, on
 * {@link #executor()}; it takes ownership of the response (writes it in request order, or releases
 * it when the connection is gone).
 */
interface Exchange {
    ByteBufAllocator alloc();

    EventExecutor executor();

    void respond(FullHttpResponse response);
}
