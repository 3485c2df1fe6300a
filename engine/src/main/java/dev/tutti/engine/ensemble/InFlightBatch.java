package dev.tutti.engine.ensemble;

import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.ScoreMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One of a {@link ConcurrentScorer}'s batches in flight: its own copy of the rows, the members' state
 * for it, and its {@link Predictions}. The scorer keeps a few of these and reuses them; each dispatch
 * opens one under a new epoch, and whichever thread brings it to its end (the member that answered
 * last, or the deadline thread) closes it, combines and hands it to the
 * {@link ConcurrentScorer.Listener}. A member that reports after the close, or for an older epoch,
 * is refused: its scores can never leak into another batch.
 *
 * <p>Threads: the batch is loaded and dispatched by the one dispatching thread while it is free;
 * members report from worker threads (the synchronized methods); once closed it belongs to the
 * closing thread until it is released. Ownership: owns its row buffer and predictions. Allocation:
 * none after construction.
 */
public final class InFlightBatch {
    static final byte QUEUED = 0;
    static final byte SKIPPED = 1;
    static final byte RUNNING = 2;
    static final byte ANSWERED = 3;
    static final byte FAILED = 4;

    /** What a member's report meant: refused (late or stale), counted, or the last one the batch waited for. */
    enum Report { LATE, ON_TIME, LAST }

    private final int index;
    private final int width;
    private final FloatBuffer rows;
    private final Predictions out;
    private final FeatureRows features = new FeatureRows();
    private final byte[] state;
    private long epoch;
    private int count;
    private long dispatchedNanos;
    private long deadlineNanos;
    private boolean open;
    private int outstanding;

    InFlightBatch(int index, Ensemble ensemble, int capacity) {
        this.index = index;
        this.width = ensemble.manifest().schema().width();
        this.rows = ByteBuffer.allocateDirect(capacity * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.out = new Predictions(ensemble, capacity);
        this.state = new byte[ensemble.members().size()];
    }

    /** Which of the scorer's batches this is, 0 to {@code batchesInFlight - 1}: for the caller's own per-batch records. */
    public int index() {
        return index;
    }

    /** The rows scored, valid while the batch is held (from {@link ConcurrentScorer#acquire} to the listener's return). */
    public int rows() {
        return count;
    }

    /** The answers, valid during the listener's call. */
    public Predictions predictions() {
        return out;
    }

    /**
     * Explains row {@code row} of this batch (see {@link RowExplanation}); the explanation names the
     * row {@code reportedRow}. Call during the listener's call. Allocates the explanation.
     */
    public RowExplanation explain(int row, int reportedRow, Ensemble ensemble) {
        if (row < 0 || row >= out.rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside the batch of " + out.rows);
        }
        return Answers.explainRow(ensemble, ensemble.combiner(), features, out, row, reportedRow);
    }

    /** Copies {@code count} rows of the schema (row-major from index 0 of {@code from}) into this batch. */
    public void load(FloatBuffer from, int count) {
        if (count < 1 || count > out.capacity()) {
            throw new IllegalArgumentException("a batch of " + count + " rows does not fit the capacity of " + out.capacity());
        }
        rows.put(0, from, 0, count * width);
        this.count = count;
    }

    FloatBuffer rowBuffer() {
        return rows;
    }

    FeatureRows features() {
        return features;
    }

    long dispatchedNanos() {
        return dispatchedNanos;
    }

    /** The deadline of the current epoch (read after {@link #start}, which publishes it). */
    long deadlineNanos() {
        return deadlineNanos;
    }

    byte state(int member) {
        return state[member];
    }

    /** Opens epoch {@code epoch}; the dispatcher holds one extra count until {@link #dispatched}. */
    synchronized void open(long epoch, long nowNanos, long deadlineNanos) {
        this.epoch = epoch;
        this.dispatchedNanos = nowNanos;
        this.deadlineNanos = deadlineNanos;
        this.outstanding = state.length + 1;
        this.open = true;
        Arrays.fill(state, QUEUED);
        out.reset(count);
        features.wrap(rows, width);
    }

    /** Member {@code member} will not be called for this batch, because of {@code why}. */
    synchronized void skip(int member, String why) {
        if (!open) {
            return; // the deadline passed during the dispatch: the batch was ended without this member
        }
        state[member] = SKIPPED;
        out.present[member] = false;
        out.memberErrors[member] = why;
        outstanding--; // never the last: the dispatcher still holds its count
    }

    /** The dispatcher is done; true when that was the last count (every member skipped or already answered). */
    synchronized boolean dispatched() {
        return open && release();
    }

    /** Whether member {@code member} may start its call of epoch {@code epoch} now; marks it running. */
    synchronized boolean start(long epoch, int member, long nowNanos) {
        if (!open || epoch != this.epoch || nowNanos - deadlineNanos >= 0) {
            return false;
        }
        state[member] = RUNNING;
        return true;
    }

    /**
     * Member {@code member}'s call of epoch {@code epoch} ended: its scores are copied in (when
     * {@code error} is null) or its error kept, unless the batch has moved on.
     */
    synchronized Report report(long epoch, int member, ScoreMatrix scores, String error) {
        if (!open || epoch != this.epoch) {
            return Report.LATE;
        }
        if (error == null) {
            state[member] = ANSWERED;
            for (int o = 0; o < scores.outputs(); o++) {
                System.arraycopy(scores.data(), scores.offset(0, o), out.memberScores.data(), out.memberScores.offset(member, o), count);
            }
        } else {
            state[member] = FAILED;
            out.present[member] = false;
            out.memberErrors[member] = error;
        }
        return release() ? Report.LAST : Report.ON_TIME;
    }

    private boolean release() {
        if (--outstanding == 0) {
            open = false;
            return true;
        }
        return false;
    }

    /** Closes the batch if it is still open and its deadline passed; true when this call closed it. */
    synchronized boolean expire(long nowNanos) {
        if (open && nowNanos - deadlineNanos >= 0) {
            open = false;
            return true;
        }
        return false;
    }

    /** The deadline while open, else {@link Long#MAX_VALUE}. */
    synchronized long openDeadline() {
        return open ? deadlineNanos : Long.MAX_VALUE;
    }
}
