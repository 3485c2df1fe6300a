package dev.tutti.engine.execution;

import java.util.concurrent.atomic.LongAdder;

/**
 * What happened to one member's calls: counted by the batch thread and the worker threads,
 * read as a {@link Snapshot}. Threads: any. Allocation: none per count.
 */
public final class MemberCounters {
    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder skippedOpen = new LongAdder();
    private final LongAdder skippedBusy = new LongAdder();

    public void called() {
        calls.increment();
    }

    /** The call threw or returned invalid scores. */
    public void failed() {
        failures.increment();
    }

    /** The call did not answer by the batch deadline. */
    public void timedOut() {
        timeouts.increment();
    }

    /** Skipped because the circuit breaker was open. */
    public void skippedOpen() {
        skippedOpen.increment();
    }

    /** Skipped because an earlier call was still running. */
    public void skippedBusy() {
        skippedBusy.increment();
    }

    public Snapshot snapshot() {
        return new Snapshot(calls.sum(), failures.sum(), timeouts.sum(), skippedOpen.sum(), skippedBusy.sum());
    }

    /** Counts since start. */
    public record Snapshot(long calls, long failures, long timeouts, long skippedOpen, long skippedBusy) {}
}
