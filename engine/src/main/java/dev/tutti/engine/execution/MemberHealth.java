package dev.tutti.engine.execution;

import java.util.Locale;

/**
 * A circuit breaker for one member, fed with the outcome of every call.
 *
 * <ul>
 *   <li>{@link State#HEALTHY}: used normally;
 *   <li>{@link State#DEGRADED}: still used, but slow: the median latency of the recent window is
 *       above {@code slowNanos};
 *   <li>{@link State#FAILED}: the share of failures (errors, timeouts, invalid scores) in the recent
 *       window reached {@code failureRatio}: the member is skipped until {@code coolDownNanos} have
 *       passed; then one call is let through as a probe: success closes the breaker, failure opens
 *       it for another cool-down.
 * </ul>
 *
 * <p>Threads: {@link #allow} is called by the batch thread, {@link #record} by worker threads;
 * methods are synchronized (a few per member per batch). Allocation: none after construction.
 */
public final class MemberHealth {
    /** What the breaker says about the member. */
    public enum State {
        HEALTHY,
        DEGRADED,
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final HealthPolicy policy;
    private final boolean[] failures;
    private final long[] latencies;
    private final long[] sorted;
    private int next;
    private int filled;
    private State state = State.HEALTHY;
    private long openUntilNanos;
    private boolean probing;
    private long opened;

    public MemberHealth(HealthPolicy policy) {
        this.policy = policy;
        this.failures = new boolean[policy.window()];
        this.latencies = new long[policy.window()];
        this.sorted = new long[policy.window()];
    }

    /**
     * Whether the member may be called for a batch starting at {@code nowNanos}. When the breaker is
     * open and the cool-down has passed, the first caller gets a probe and others are refused
     * until the probe's outcome is recorded.
     */
    public synchronized boolean allow(long nowNanos) {
        if (state != State.FAILED) {
            return true;
        }
        if (probing || nowNanos - openUntilNanos < 0) {
            return false;
        }
        probing = true;
        return true;
    }

    /** Records one call's outcome. */
    public synchronized void record(boolean failed, long latencyNanos, long nowNanos) {
        failures[next] = failed;
        latencies[next] = latencyNanos;
        next = (next + 1) % failures.length;
        filled = Math.min(filled + 1, failures.length);
        if (probing) {
            probing = false;
            if (failed) {
                open(nowNanos);
            } else {
                reset();
            }
            return;
        }
        if (filled >= policy.minCalls() && failureShare() >= policy.failureRatio()) {
            open(nowNanos);
        } else if (state != State.FAILED) {
            state = filled >= policy.minCalls() && medianLatency() > policy.slowNanos() ? State.DEGRADED : State.HEALTHY;
        }
    }

    public synchronized State state() {
        return state;
    }

    /** How many times the breaker has opened. */
    public synchronized long timesOpened() {
        return opened;
    }

    private void open(long nowNanos) {
        state = State.FAILED;
        openUntilNanos = nowNanos + policy.coolDownNanos();
        opened++;
    }

    private void reset() {
        state = State.HEALTHY;
        filled = 0;
        next = 0;
    }

    private double failureShare() {
        int failed = 0;
        for (int i = 0; i < filled; i++) {
            failed += failures[i] ? 1 : 0;
        }
        return (double) failed / filled;
    }

    private long medianLatency() {
        System.arraycopy(latencies, 0, sorted, 0, filled);
        java.util.Arrays.sort(sorted, 0, filled);
        return sorted[filled / 2];
    }
}
