package dev.tutti.engine.ensemble;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.execution.LatencyRecorder;
import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberCounters;
import dev.tutti.engine.execution.MemberHealth;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One member as an actor: a small mailbox of batches to score, worked through in order, one call
 * at a time, on whichever worker thread the pool gives it. The dispatcher only enqueues; a worker
 * never waits for a batch's other members, so while one batch waits for its slowest member the
 * others already score the next. The member writes into its own score matrix, copied into the
 * batch only when the batch still waits for it ({@link InFlightBatch#report}); a batch whose deadline
 * passed while it waited in the mailbox is not scored at all.
 *
 * <p>Threads: {@link #offer} on the dispatching thread; {@link #run} on a worker, never two at once
 * (the {@code scheduled} flag, guarded by this object's lock with the mailbox). Ownership: owns its
 * score matrix, mailbox and, when the member's schema differs from the ensemble's, its input buffer;
 * not the member (the ensemble owns it). Allocation: none per call (the failure message of a
 * failing call aside).
 */
final class MemberRunner implements Runnable {
    /** What {@link #offer} did. */
    enum Offer { SCHEDULE, QUEUED, FULL }

    private final int index;
    private final Member member;
    private final FeatureMapping mapping;
    private final int inputWidth;
    private final ScoreMatrix scores;
    private final MemberOutput output = new MemberOutput();
    private final FloatBuffer mapped;
    private final MemberHealth health;
    private final MemberCounters counters;
    private final LatencyRecorder latency;
    private final boolean probabilities;
    private final Executor pool;
    private final Consumer<InFlightBatch> onLast;
    // the mailbox: a ring of (batch, epoch), guarded by this
    private final InFlightBatch[] queued;
    private final long[] epochs;
    private int head;
    private int size;
    private boolean scheduled;
    /** The deadline of the batch of the call in progress, {@link Long#MAX_VALUE} between calls. */
    private volatile long callDeadline = Long.MAX_VALUE;

    MemberRunner(int index, Member member, FeatureMapping mapping, int ensembleWidth, int outputs, int capacity, int mailbox,
            MemberHealth health, MemberCounters counters, LatencyRecorder latency, boolean probabilities, Executor pool,
            Consumer<InFlightBatch> onLast) {
        this.index = index;
        this.member = member;
        this.mapping = mapping;
        this.inputWidth = ensembleWidth;
        this.scores = new ScoreMatrix(1, outputs, capacity);
        this.mapped = mapping.isIdentity() ? null
                : ByteBuffer.allocateDirect(capacity * member.spec().schema().width() * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.health = health;
        this.counters = counters;
        this.latency = latency;
        this.probabilities = probabilities;
        this.pool = pool;
        this.onLast = onLast;
        this.queued = new InFlightBatch[mailbox];
        this.epochs = new long[mailbox];
    }

    Member member() {
        return member;
    }

    MemberHealth health() {
        return health;
    }

    MemberCounters counters() {
        return counters;
    }

    /** Whether a call is still running past its batch's deadline at {@code nowNanos} (the member is stuck). */
    boolean lateAt(long nowNanos) {
        long deadline = callDeadline;
        return deadline != Long.MAX_VALUE && nowNanos - deadline > 0;
    }

    /** Puts epoch {@code epoch} of {@code batch} in the mailbox; {@link Offer#SCHEDULE}: the caller must hand this runner to the pool. */
    synchronized Offer offer(InFlightBatch batch, long epoch) {
        if (size == queued.length) {
            return Offer.FULL;
        }
        int tail = (head + size) % queued.length;
        queued[tail] = batch;
        epochs[tail] = epoch;
        size++;
        if (scheduled) {
            return Offer.QUEUED;
        }
        scheduled = true;
        return Offer.SCHEDULE;
    }

    /** Scores the oldest batch of the mailbox, then goes back to the pool's queue if more are waiting. */
    @Override
    public void run() {
        InFlightBatch batch;
        long epoch;
        synchronized (this) {
            batch = queued[head];
            epoch = epochs[head];
            queued[head] = null;
            head = (head + 1) % queued.length;
            size--;
        }
        call(batch, epoch);
        boolean more;
        synchronized (this) {
            more = size > 0;
            scheduled = more;
        }
        if (more) {
            try {
                pool.execute(this); // behind the other members' turns: one batch per turn keeps them fair
            } catch (RejectedExecutionException closing) {
                synchronized (this) {
                    scheduled = false;
                }
            }
        }
    }

    private void call(InFlightBatch batch, long epoch) {
        long started = System.nanoTime();
        if (!batch.start(epoch, index, started)) {
            return; // the batch ended (deadline) while this one waited in the mailbox
        }
        counters.called();
        callDeadline = batch.deadlineNanos();
        int count = batch.rows();
        String failure = null;
        try {
            FloatBuffer input = batch.rowBuffer();
            if (mapped != null) {
                mapping.apply(input, inputWidth, count, mapped);
                input = mapped;
            }
            scores.rows(count);
            member.score(input, count, output.wrap(scores, 0));
            failure = Scores.invalid(scores, 0, count, probabilities);
        } catch (Throwable e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            long now = System.nanoTime();
            callDeadline = Long.MAX_VALUE;
            latency.record(now - started);
            InFlightBatch.Report report = batch.report(epoch, index, scores, failure);
            if (report != InFlightBatch.Report.LATE) {
                health.record(failure != null, now - started, now);
                if (failure != null) {
                    counters.failed();
                }
            }
            if (report == InFlightBatch.Report.LAST) {
                onLast.accept(batch);
            }
        }
    }

    LatencySummary latencySummary() {
        return latency.summary();
    }
}
