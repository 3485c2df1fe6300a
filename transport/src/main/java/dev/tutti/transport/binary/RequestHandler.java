package dev.tutti.transport.binary;

import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.transport.metrics.Protocol;
import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.netty.AgronaViews;
import dev.tutti.transport.netty.Outbox;
import dev.tutti.transport.netty.UnreadableStream;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.Flags;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MalformedFrameException;
import dev.tutti.transport.protocol.MemberSummary;
import dev.tutti.transport.protocol.MessageType;
import dev.tutti.transport.protocol.MetadataRequestCodec;
import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.protocol.ScoreRequestDecoder;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.Failure;
import dev.tutti.transport.serving.MemberMasks;
import dev.tutti.transport.serving.ServedEnsemble;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Serves the requests of one binary connection: reads each frame's header and body in place through
 * the protocol's flyweights, hands score requests to the ensemble's service and answers every request
 * with exactly one frame carrying its correlation id, in completion order (pipelining).
 *
 * <p>Ownership: receives each frame from {@link dev.tutti.transport.netty.FrameDecoder} and releases it
 * before {@link #channelRead} returns (the rows are copied into the request's array first). Replies are
 * plain {@link Reply} objects; {@link ReplyEncoder} makes their buffers.
 *
 * <p>Threads: the channel's event loop; answers complete on the engine's batcher thread and come back
 * through an {@link Outbox}. Backpressure: with {@code maxInFlight} requests unanswered the handler
 * stops reading the socket until half of them are answered. An idle connection (no traffic for the
 * idle timeout) with nothing in flight is closed.
 *
 * <p>Allocation per score request: the row array, the future and the reply; explanations only for
 * requests with {@link Flags#EXPLAIN} (the engine makes them, the encoder writes them).
 */
public final class RequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());

    private final EnsembleRegistry registry;
    private final Admission admission;
    private final TransportMetrics metrics;
    private final int maxRows;
    private final int maxInFlight;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final FrameHeader header = new FrameHeader();
    private final ScoreRequestDecoder request = new ScoreRequestDecoder();
    private Outbox<Reply> outbox;
    private int inFlight;
    private boolean flushNeeded;

    public RequestHandler(EnsembleRegistry registry, Admission admission, TransportMetrics metrics, int maxRows, int maxInFlight) {
        this.registry = registry;
        this.admission = admission;
        this.metrics = metrics;
        this.maxRows = maxRows;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        outbox = new Outbox<>(ctx, reply -> answered(ctx));
    }

    /** Requests of this connection not answered yet (event loop only). */
    int inFlight() {
        return inFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof UnreadableStream unreadable) {
            metrics.failed(Protocol.BINARY, null, unreadable.code(), 0);
            ctx.writeAndFlush(new Reply.Error(unreadable.correlationId(), unreadable.code(), -1, unreadable.message()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        long start = System.nanoTime();
        try {
            AgronaViews.readable(view, frame);
            header.wrap(view, 0);
            dispatch(ctx, header.correlationId(), start);
        } catch (MalformedFrameException | IndexOutOfBoundsException e) {
            reply(ctx, new Reply.Error(header.correlationId(), ErrorCode.MALFORMED_FRAME, -1, String.valueOf(e.getMessage())), null, start);
        } finally {
            AgronaViews.release(view);
            frame.release();
        }
    }

    private void dispatch(ChannelHandlerContext ctx, long id, long start) {
        if (header.version() != FrameHeader.CURRENT_VERSION) {
            reply(ctx, new Reply.Error(id, ErrorCode.UNSUPPORTED_VERSION, -1, "protocol version " + header.version()
                    + " is not spoken here; this server speaks version " + FrameHeader.CURRENT_VERSION), null, start);
            return;
        }
        MessageType type = MessageType.of(header.type());
        if (type == MessageType.SCORE_REQUEST) {
            score(ctx, id, start);
        } else if (type == MessageType.METADATA_REQUEST) {
            EnsembleRef ref = MetadataRequestCodec.decode(view, header.bodyOffset(), header.bodyLength());
            ServedEnsemble ensemble = registry.find(ref);
            reply(ctx, ensemble == null ? unknown(id, ref.toString()) : new Reply.Metadata(id, ensemble.metadata()), ensemble, start);
        } else {
            reply(ctx, new Reply.Error(id, ErrorCode.UNKNOWN_MESSAGE_TYPE, -1, "message type " + header.type()
                    + " is not a request; requests are SCORE_REQUEST (1) and METADATA_REQUEST (3)"), null, start);
        }
    }

    private void score(ChannelHandlerContext ctx, long id, long start) {
        request.wrap(view, header.bodyOffset(), header.bodyLength());
        String malformed = request.validate();
        if (malformed != null) {
            reply(ctx, new Reply.Error(id, ErrorCode.MALFORMED_FRAME, -1, malformed), null, start);
            return;
        }
        ServedEnsemble ensemble = registry.find(request.name(), request.ensembleVersion(), request.alias());
        if (ensemble == null) {
            reply(ctx, unknown(id, request.name() + (request.ensembleVersion() > 0 ? "@" + request.ensembleVersion()
                    : request.aliasLength() > 0 ? "@" + request.alias() : "")), null, start);
            return;
        }
        ModelMetadata metadata = ensemble.metadata();
        int rows = request.rowCount();
        int limit = Math.min(maxRows, metadata.maxRowsPerRequest());
        Reply.Error refusal = null;
        if (rows < 1 || rows > limit) {
            refusal = new Reply.Error(id, ErrorCode.TOO_MANY_ROWS, -1, "a request carries 1 to " + limit + " rows, not " + rows);
        } else if (request.featureCount() != metadata.schema().width()) {
            refusal = new Reply.Error(id, ErrorCode.INVALID_INPUT, -1, "rows have " + request.featureCount() + " values; "
                    + metadata.name() + "@" + metadata.version() + " takes " + metadata.schema().width() + " features");
        } else if (!admission.tryEnter()) {
            refusal = new Reply.Error(id, ErrorCode.SHUTTING_DOWN, -1, "the server is shutting down");
        }
        if (refusal != null) {
            reply(ctx, refusal, ensemble, start);
            return;
        }
        float[] data = new float[rows * request.featureCount()];
        request.readRows(data);
        CompletableFuture<ScoreResponse> future;
        try {
            int budget = request.budgetMicros();
            boolean explain = (header.flags() & Flags.EXPLAIN) != 0;
            future = budget > 0 ? ensemble.submit(data, rows, Duration.ofNanos(budget * 1_000L), explain)
                    : ensemble.submit(data, rows, request.tier(), explain);
        } catch (RuntimeException e) { // InvalidInputException for bad rows; anything else is a bug, answered as INTERNAL
            admission.exit();
            Failure f = Failure.of(e);
            reply(ctx, new Reply.Error(id, f.code(), f.row(), f.message()), ensemble, start);
            return;
        }
        if (++inFlight >= maxInFlight) {
            ctx.channel().config().setAutoRead(false);
        }
        int classes = metadata.task().classes(metadata.classes().size());
        future.whenComplete((response, error) -> {
            try {
                Reply reply;
                if (error == null) {
                    MemberSummary members = MemberMasks.of(metadata.members(), response);
                    reply = new Reply.Score(id, response, classes, members);
                    metrics.answered(Protocol.BINARY, ensemble, rows, System.nanoTime() - start);
                } else {
                    Failure f = Failure.of(error);
                    reply = new Reply.Error(id, f.code(), f.row(), f.message());
                    metrics.failed(Protocol.BINARY, ensemble, f.code(), System.nanoTime() - start);
                }
                outbox.offer(reply); // before exit(): a draining shutdown closes the channel only after this write
            } finally {
                admission.exit();
            }
        });
    }

    private static Reply.Error unknown(long id, String what) {
        return new Reply.Error(id, ErrorCode.UNKNOWN_ENSEMBLE, -1, "no ensemble " + what + " is served here");
    }

    /** Answers on the event loop at once; flushed at the end of the read burst. */
    private void reply(ChannelHandlerContext ctx, Reply reply, ServedEnsemble ensemble, long start) {
        if (reply instanceof Reply.Error error) {
            metrics.failed(Protocol.BINARY, ensemble, error.code(), System.nanoTime() - start);
        }
        ctx.write(reply, ctx.voidPromise());
        flushNeeded = true;
    }

    /** An asynchronous answer is being written (event loop). */
    private void answered(ChannelHandlerContext ctx) {
        if (--inFlight == maxInFlight / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && inFlight == 0) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "closing binary connection " + ctx.channel().remoteAddress() + " after an error", cause);
        ctx.close();
    }
}
