package dev.tutti.engine.ensemble;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The batches of a {@link ConcurrentScorer} that are not in flight. A full batch may go in flight
 * beside others; a partial one waits until none is in flight, gathering no more rows but letting the
 * ring fill the next batch meanwhile: under light load batches go one at a time (as small and as
 * soon as they come), under heavy load full batches overlap, and no more batches are in flight than
 * the load needs (each costs a round of member calls and wake-ups).
 *
 * <p>Threads: {@link #take} on the dispatching thread; {@link #put} from the thread that ended a
 * batch. Allocation: none after construction (the deque holds at most every batch).
 */
final class FreeBatches {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<InFlightBatch> free;
    private final int total;

    FreeBatches(InFlightBatch[] batches) {
        this.total = batches.length;
        this.free = new ArrayDeque<>(total);
        for (InFlightBatch batch : batches) {
            free.add(batch);
        }
    }

    /** A free batch; with {@code alone}, only once no batch is in flight. */
    InFlightBatch take(boolean alone) throws InterruptedException {
        lock.lock();
        try {
            while (alone ? free.size() < total : free.isEmpty()) {
                released.await();
            }
            return free.poll();
        } finally {
            lock.unlock();
        }
    }

    void put(InFlightBatch batch) {
        lock.lock();
        try {
            free.add(batch);
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** How many batches are in flight. */
    int inFlight() {
        lock.lock();
        try {
            return total - free.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no batch is in flight or {@code limitNanos} ({@link System#nanoTime()}) passed; true when none is. */
    boolean awaitIdle(long limitNanos) throws InterruptedException {
        lock.lock();
        try {
            while (free.size() < total) {
                long left = limitNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                released.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
