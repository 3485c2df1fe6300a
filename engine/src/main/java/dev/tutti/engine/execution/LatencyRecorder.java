package dev.tutti.engine.execution;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Latency of one stage, recorded into an HdrHistogram {@link Recorder} (wait-free for writers) and
 * read as a cumulative {@link LatencySummary}: each read moves the interval histogram into the
 * running total, recycling it. A stage recorded by one thread only (the batcher's, per row) uses
 * {@link #singleWriter}: a plain histogram behind HdrHistogram's {@link WriterReaderPhaser}, whose
 * {@link #recordAll} records a whole batch of values in one critical section.
 *
 * <p>Threads: {@link #record} from any thread, or, for a {@link #singleWriter} recorder, from one
 * thread at a time; {@link #summary} from one reader at a time (synchronized). Allocation: none per
 * record; a summary allocates its record.
 */
public final class LatencyRecorder {
    /** One hour in nanoseconds: the largest latency tracked at full precision. */
    private static final long HIGHEST = TimeUnit.HOURS.toNanos(1);

    private final String name;
    private final Recorder shared;
    // single writer: it records into `active` inside a phaser critical section (one per record, or
    // one per recordAll); a reader swaps `active` and `inactive` and flips the phase
    private final WriterReaderPhaser phaser;
    private volatile Histogram active;
    private Histogram inactive;
    private final Histogram total = new Histogram(HIGHEST, 3);
    private Histogram interval;

    /** A recorder any number of threads may record into at the same time. */
    public LatencyRecorder(String name) {
        this(name, false);
    }

    private LatencyRecorder(String name, boolean singleWriter) {
        this.name = name;
        this.shared = singleWriter ? null : new Recorder(HIGHEST, 3);
        this.phaser = singleWriter ? new WriterReaderPhaser() : null;
        this.active = singleWriter ? new Histogram(HIGHEST, 3) : null;
        this.inactive = singleWriter ? new Histogram(HIGHEST, 3) : null;
    }

    /** A recorder that one thread at a time records into (cheaper per record). */
    public static LatencyRecorder singleWriter(String name) {
        return new LatencyRecorder(name, true);
    }

    public String name() {
        return name;
    }

    /** Records one latency; values are clamped to [0, 1 h]. */
    public void record(long nanos) {
        long value = clamp(nanos);
        if (phaser == null) {
            shared.recordValue(value);
            return;
        }
        long phase = phaser.writerCriticalSectionEnter();
        try {
            active.recordValue(value);
        } finally {
            phaser.writerCriticalSectionExit(phase);
        }
    }

    /**
     * Records {@code nanos[0 .. count - 1]}; for a {@link #singleWriter} recorder in one critical
     * section, so a batch of values costs two atomic operations instead of two per value.
     */
    public void recordAll(long[] nanos, int count) {
        if (phaser == null) {
            for (int i = 0; i < count; i++) {
                shared.recordValue(clamp(nanos[i]));
            }
            return;
        }
        long phase = phaser.writerCriticalSectionEnter();
        try {
            Histogram h = active;
            for (int i = 0; i < count; i++) {
                h.recordValue(clamp(nanos[i]));
            }
        } finally {
            phaser.writerCriticalSectionExit(phase);
        }
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(nanos, HIGHEST));
    }

    /** Everything recorded since construction. */
    public synchronized LatencySummary summary() {
        if (phaser == null) {
            interval = shared.getIntervalHistogram(interval);
            total.add(interval);
        } else {
            phaser.readerLock();
            try {
                Histogram recorded = active;
                inactive.reset();
                active = inactive;
                inactive = recorded;
                phaser.flipPhase(); // waits until the writer has left every section that began before the swap
                total.add(recorded);
            } finally {
                phaser.readerUnlock();
            }
        }
        return LatencySummary.of(name, total);
    }

    /** A copy of the cumulative histogram, for reports and .hlog files. */
    public synchronized Histogram histogram() {
        summary();
        return total.copy();
    }
}
