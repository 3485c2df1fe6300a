package dev.tutti.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands messages from any thread to one channel's event loop and writes them there, coalescing: one
 * event-loop task and one flush for however many messages arrived meanwhile (a batch of answers
 * completes many requests at once on the batcher thread; a cross-core wake-up and a syscall each are
 * what this saves).
 *
 * <p>Threads: {@link #offer} from any thread; writes happen on {@code ctx}'s executor. Ownership:
 * messages are plain objects (never {@code ByteBuf}s), so one that cannot be written holds no
 * memory. Allocation: one queue node per message.
 *
 * @param <T> the message type; the pipeline's encoder turns it into bytes
 */
public final class Outbox<T> implements Runnable {
    private final ChannelHandlerContext ctx;
    private final Consumer<T> beforeWrite;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /**
     * @param ctx the handler context the messages are written from (outbound handlers before it encode them)
     * @param beforeWrite called on the event loop for each message just before it is written
     */
    public Outbox(ChannelHandlerContext ctx, Consumer<T> beforeWrite) {
        this.ctx = ctx;
        this.beforeWrite = beforeWrite;
    }

    /** Queues {@code message} for writing; returns false if the event loop no longer runs (the message is dropped). */
    public boolean offer(T message) {
        queue.offer(message);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            try {
                ctx.executor().execute(this);
            } catch (RejectedExecutionException e) {
                queue.clear();
                return false;
            }
        }
        return true;
    }

    /** Drains on the event loop: writes everything queued, then flushes once. */
    @Override
    public void run() {
        scheduled.set(false);
        int written = 0;
        T message;
        while ((message = queue.poll()) != null) {
            beforeWrite.accept(message);
            ctx.write(message, ctx.voidPromise());
            written++;
        }
        if (written > 0) {
            ctx.flush();
        }
    }
}
