package dev.tutti.engine.ensemble;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The batches of a {@link ConcurrentScorer} that are not in flight.
 *
 * <p>Threads: {@link #awaitFree} and {@link #take} on the dispatching thread; {@link #put} from the thread that ended a
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

    /** Waits until a batch is free (without taking it). */
    void awaitFree() throws InterruptedException {
        lock.lock();
        try {
            while (free.isEmpty()) {
                released.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A free batch, waiting for one if none is. */
    InFlightBatch take() throws InterruptedException {
        lock.lock();
        try {
            while (free.isEmpty()) {
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
