package dev.tutti.transport.client;

import dev.tutti.transport.netty.AgronaViews;
import dev.tutti.transport.netty.UnreadableStream;
import dev.tutti.transport.protocol.ErrorDecoder;
import dev.tutti.transport.protocol.Flags;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MalformedFrameException;
import dev.tutti.transport.protocol.MessageType;
import dev.tutti.transport.protocol.MetadataResponseCodec;
import dev.tutti.transport.protocol.ScoreResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client side of one connection: keeps the calls in flight by correlation id, completes each
 * with its answer (or error frame, or timeout), and fails them all when the connection closes.
 *
 * <p>Ownership: receives each frame from {@link dev.tutti.transport.netty.FrameDecoder} and releases
 * it before {@link #channelRead} returns (answers are copied out first). Threads: the event loop
 * only; futures complete there, so callers chain heavy work with the {@code ...Async} methods.
 * Allocation: one answer object per response, one timer per call.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ClientHandler.class.getName());

    private final Long2ObjectHashMap<Call<?>> pending = new Long2ObjectHashMap<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final FrameHeader header = new FrameHeader();
    private final ScoreResponseDecoder score = new ScoreResponseDecoder();
    private final ErrorDecoder error = new ErrorDecoder();
    private ChannelHandlerContext ctx;
    private boolean closed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Calls waiting for an answer (event loop only). */
    int pending() {
        return pending.size();
    }

    /** Registers {@code call} just before it is written (event loop), with its timer. */
    void register(Call<?> call) {
        if (closed) {
            call.fail(new ConnectionClosedException("the connection is closed", null));
            return;
        }
        pending.put(call.correlationId, call);
        long delay = call.deadlineNanos - System.nanoTime();
        call.timeout = ctx.executor().schedule(() -> {
            if (pending.remove(call.correlationId) != null) {
                call.future.completeExceptionally(new ClientTimeoutException("no answer to request " + call.correlationId + " for "
                        + call.ensemble + " within its timeout"));
            }
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof UnreadableStream u) {
            failAll(new ConnectionClosedException("the server's byte stream cannot be read: " + u.message(), null));
            ctx.close();
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            AgronaViews.readable(view, frame);
            header.wrap(view, 0);
            dispatch();
        } catch (MalformedFrameException | IndexOutOfBoundsException e) {
            failAll(new ConnectionClosedException("the server sent a malformed frame: " + e.getMessage(), e));
            ctx.close();
        } finally {
            AgronaViews.release(view);
            frame.release();
        }
    }

    private void dispatch() {
        long id = header.correlationId();
        MessageType type = MessageType.of(header.type());
        if (type == MessageType.ERROR) {
            error.wrap(view, header.bodyOffset(), header.bodyLength());
            String bad = error.validate();
            if (bad != null) {
                throw new MalformedFrameException(bad);
            }
            RemoteErrorException e = new RemoteErrorException(error.code(), error.row(), error.message());
            if (id == 0) { // about the connection: every call fails, the server closes
                failAll(e);
            } else {
                fail(id, e);
            }
            return;
        }
        Call<?> call = pending.get(id);
        if (call == null) {
            return; // timed out earlier: the late answer is dropped
        }
        if (type == MessageType.SCORE_RESPONSE && call instanceof Call.Score s) {
            int flags = header.flags();
            score.wrap(view, header.bodyOffset(), header.bodyLength(), flags);
            String bad = score.validate();
            if (bad != null) {
                throw new MalformedFrameException(bad);
            }
            ScoreResult result = new ScoreResult(score, (flags & Flags.DEGRADED) != 0, (flags & Flags.FALLBACK) != 0);
            pending.remove(id);
            s.timeout.cancel(false);
            s.future.complete(result);
        } else if (type == MessageType.METADATA_RESPONSE && call instanceof Call.Metadata m) {
            var metadata = MetadataResponseCodec.decode(view, header.bodyOffset(), header.bodyLength());
            pending.remove(id);
            m.timeout.cancel(false);
            m.future.complete(metadata);
        } else {
            throw new MalformedFrameException("answer of type " + header.type() + " to request " + id + " of another type");
        }
    }

    private void fail(long id, RuntimeException failure) {
        Call<?> call = pending.remove(id);
        if (call != null) {
            call.fail(failure);
        }
    }

    private void failAll(RuntimeException failure) {
        for (Call<?> call : new ArrayList<>(pending.values())) {
            call.fail(failure);
        }
        pending.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        failAll(new ConnectionClosedException("the connection to " + ctx.channel().remoteAddress() + " closed", null));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "closing client connection after an error", cause);
        failAll(new ConnectionClosedException("the connection failed: " + cause, cause));
        ctx.close();
    }
}
