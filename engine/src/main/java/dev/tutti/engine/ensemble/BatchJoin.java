package dev.tutti.engine.ensemble;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The join of one batch's member calls: the batch thread opens an epoch, workers report each
 * member's completion, and the batch thread waits until every member has answered or the batch's
 * deadline has passed. A member that completes after {@link #close} (late) is refused, so its result
 * can never leak into another batch.
 *
 * <p>Threads: {@link #open}, {@link #await} and {@link #close} on the batch thread; {@link #complete}
 * on worker threads. Allocation: none after construction.
 */
final class BatchJoin {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allDone = lock.newCondition();
    private final boolean[] onTime;
    private long epoch;
    private boolean open;
    private int outstanding;

    BatchJoin(int members) {
        this.onTime = new boolean[members];
    }

    /** Starts epoch {@code epoch} expecting {@code expected} completions. */
    void open(long epoch, int expected) {
        lock.lock();
        try {
            this.epoch = epoch;
            this.outstanding = expected;
            this.open = true;
            Arrays.fill(onTime, false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reports that {@code member} finished its call of epoch {@code epoch}.
     *
     * @return true when the batch still waits for it (its result counts); false when late
     */
    boolean complete(long epoch, int member) {
        lock.lock();
        try {
            if (!open || epoch != this.epoch) {
                return false;
            }
            onTime[member] = true;
            if (--outstanding == 0) {
                allDone.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every expected member completed or {@code deadlineNanos} passed; true when all completed. */
    boolean await(long deadlineNanos) {
        lock.lock();
        try {
            while (outstanding > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                allDone.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return outstanding == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the epoch: completions from now on are late. Reads which members completed in time. */
    boolean[] close() {
        lock.lock();
        try {
            open = false;
            return onTime;
        } finally {
            lock.unlock();
        }
    }
}
