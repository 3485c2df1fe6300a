package dev.tutti.transport.serving;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests in flight across all connections of both servers, so that graceful shutdown
 * can stop taking new requests and wait for the accepted ones to be answered.
 *
 * <p>Threads: {@link #tryEnter} and {@link #exit} from any thread (event loops, the batcher);
 * {@link #drain} and {@link #awaitIdle} from the thread that shuts down. Allocation: none.
 */
public final class Admission {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    /** Admits one request; false when shutting down (the caller answers "shutting down"). */
    public boolean tryEnter() {
        if (draining) {
            return false;
        }
        inFlight.incrementAndGet();
        if (draining) { // drain() ran between the check and the increment: back out
            exit();
            return false;
        }
        return true;
    }

    /** One admitted request was answered (or its connection is gone). */
    public void exit() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public boolean draining() {
        return draining;
    }

    /** Refuses every request from now on. */
    public void drain() {
        draining = true;
    }

    /** Waits until no admitted request is in flight; false when {@code timeout} passed first. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
