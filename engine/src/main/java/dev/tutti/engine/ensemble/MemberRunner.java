package dev.tutti.engine.ensemble;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.execution.LatencyRecorder;
import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberHealth;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one member's calls on a worker thread. The member writes into its own score matrix, copied
 * into the batch's only when the call finished in time, so a late call can never write into another
 * batch's answer; while a call is still running the member is busy and skipped.
 *
 * <p>Threads: {@link #tryStart} and {@link #copyInto} on the batch thread, {@link #run} on a worker,
 * one call at a time (the busy flag). Ownership: owns its score matrix and, when the member's schema
 * differs from the ensemble's, its input buffer; not the member (the ensemble owns it). Allocation:
 * none per call (the failure message of a failing call aside).
 */
final class MemberRunner implements Runnable {
    private final int index;
    private final Member member;
    private final FeatureMapping mapping;
    private final int inputWidth;
    private final ScoreMatrix scores;
    private final MemberOutput output = new MemberOutput();
    private final FloatBuffer mapped;
    private final MemberHealth health;
    private final LatencyRecorder latency;
    private final boolean probabilities;
    private final AtomicBoolean busy = new AtomicBoolean();

    // the current call, written by the batch thread before the hand-off to the pool
    private BatchJoin join;
    private long epoch;
    private FloatBuffer rows;
    private int count;
    private long startedNanos;
    // its outcome, written by the worker before BatchJoin.complete (the happens-before edge)
    private volatile String error;

    MemberRunner(int index, Member member, FeatureMapping mapping, int ensembleWidth, int outputs, int capacity,
            MemberHealth health, LatencyRecorder latency, boolean probabilities) {
        this.index = index;
        this.member = member;
        this.mapping = mapping;
        this.inputWidth = ensembleWidth;
        this.scores = new ScoreMatrix(1, outputs, capacity);
        this.mapped = mapping.isIdentity() ? null
                : ByteBuffer.allocateDirect(capacity * member.spec().schema().width() * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.health = health;
        this.latency = latency;
        this.probabilities = probabilities;
    }

    Member member() {
        return member;
    }

    MemberHealth health() {
        return health;
    }

    boolean busy() {
        return busy.get();
    }

    /** Claims the member for a call; false when an earlier call is still running. */
    boolean tryStart(BatchJoin join, long epoch, FloatBuffer rows, int count) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        this.join = join;
        this.epoch = epoch;
        this.rows = rows;
        this.count = count;
        this.error = null;
        this.startedNanos = System.nanoTime();
        return true;
    }

    @Override
    public void run() {
        BatchJoin join = this.join;
        long epoch = this.epoch;
        String failure = null;
        try {
            FloatBuffer input = rows;
            if (mapped != null) {
                mapping.apply(rows, inputWidth, count, mapped);
                input = mapped;
            }
            scores.rows(count);
            member.score(input, count, output.wrap(scores, 0));
            failure = Scores.invalid(scores, 0, count, probabilities);
        } catch (Throwable e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            long now = System.nanoTime();
            error = failure;
            latency.record(now - startedNanos);
            // free the member before reporting: the batch thread may start its next batch as soon as
            // the last member reports, and must find this one ready
            busy.set(false);
            if (join.complete(epoch, index)) {
                health.record(failure != null, now - startedNanos, now);
            }
        }
    }

    LatencySummary latencySummary() {
        return latency.summary();
    }

    /** The failure of the last call that completed in time, or null. */
    String error() {
        return error;
    }

    /** Copies the last call's scores into the batch's matrix as member {@code index}. */
    void copyInto(ScoreMatrix batchScores) {
        for (int o = 0; o < scores.outputs(); o++) {
            System.arraycopy(scores.data(), scores.offset(0, o), batchScores.data(), batchScores.offset(index, o), count);
        }
    }
}
