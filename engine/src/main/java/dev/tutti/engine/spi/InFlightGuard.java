package dev.tutti.engine.spi;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frees a member's native resources safely when {@link Member#close} comes from another thread while
 * a scoring call is still running (a service shut down around a slow or timed-out member): the last
 * one out frees them. A call that {@link #enter}s after close is refused; {@link #close} never waits,
 * and the resources are released exactly once, by {@code close} if no call is running, otherwise by
 * the running call's {@link #exit}.
 *
 * <pre>{@code
 * if (!guard.enter()) throw new IllegalStateException("closed");
 * try { ...native call... } finally { guard.exit(); }
 * }</pre>
 *
 * <p>Threads: any. Allocation: none per call.
 */
public final class InFlightGuard {
    /** Bit 0: closed; the rest: twice the number of calls in flight. */
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable release;

    /** @param release frees the native resources; runs once, on the thread of the last one out */
    public InFlightGuard(Runnable release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Starts a call; false when closed (the call must not touch the resources). */
    public boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & 1) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 2)) {
                return true;
            }
        }
    }

    /** Ends a call begun by a successful {@link #enter}; frees the resources if closed meanwhile and last out. */
    public void exit() {
        if (state.addAndGet(-2) == 1) {
            releaseOnce();
        }
    }

    /** Closes: frees the resources now if no call is running, else when the last running call exits. */
    public void close() {
        int s;
        do {
            s = state.get();
            if ((s & 1) != 0) {
                return;
            }
        } while (!state.compareAndSet(s, s | 1));
        if (s == 0) {
            releaseOnce();
        }
    }

    /** Whether {@link #close} was called. */
    public boolean closed() {
        return (state.get() & 1) != 0;
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }
}
