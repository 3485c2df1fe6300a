package dev.tutti.transport.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Totals of one ensemble version's requests over both protocols, as Triton's statistics extension
 * reports them: counts, summed durations (ns), rows answered, time of the last answer.
 *
 * <p>Threads: recorded from any thread, read by the stats endpoint. Allocation: none per record.
 */
public final class EnsembleStats {
    private final LongAdder successCount = new LongAdder();
    private final LongAdder successNanos = new LongAdder();
    private final LongAdder failCount = new LongAdder();
    private final LongAdder failNanos = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private volatile long lastInferenceMillis;

    void succeeded(int answeredRows, long nanos) {
        successCount.increment();
        successNanos.add(nanos);
        rows.add(answeredRows);
        lastInferenceMillis = System.currentTimeMillis();
    }

    void failed(long nanos) {
        failCount.increment();
        failNanos.add(nanos);
    }

    public long successCount() {
        return successCount.sum();
    }

    public long successNanos() {
        return successNanos.sum();
    }

    public long failCount() {
        return failCount.sum();
    }

    public long failNanos() {
        return failNanos.sum();
    }

    /** Rows answered. */
    public long rows() {
        return rows.sum();
    }

    /** Epoch milliseconds of the last answer, 0 before the first. */
    public long lastInferenceMillis() {
        return lastInferenceMillis;
    }
}
