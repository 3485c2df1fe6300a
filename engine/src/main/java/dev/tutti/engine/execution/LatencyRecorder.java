package dev.tutti.engine.execution;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Latency of one stage, recorded into an HdrHistogram {@link Recorder} (wait-free for writers) and
 * read as a cumulative {@link LatencySummary}: each read moves the interval histogram into the
 * running total, recycling it. A stage recorded by one thread only (the batcher's, per row) uses
 * {@link #singleWriter}, whose record costs a fraction of the concurrent one's.
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
    private final SingleWriterRecorder single;
    private final Histogram total = new Histogram(HIGHEST, 3);
    private Histogram interval;

    /** A recorder any number of threads may record into at the same time. */
    public LatencyRecorder(String name) {
        this(name, false);
    }

    private LatencyRecorder(String name, boolean singleWriter) {
        this.name = name;
        this.shared = singleWriter ? null : new Recorder(HIGHEST, 3);
        this.single = singleWriter ? new SingleWriterRecorder(HIGHEST, 3) : null;
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
        long value = Math.max(0, Math.min(nanos, HIGHEST));
        if (single != null) {
            single.recordValue(value);
        } else {
            shared.recordValue(value);
        }
    }

    /** Everything recorded since construction. */
    public synchronized LatencySummary summary() {
        interval = single != null ? single.getIntervalHistogram(interval) : shared.getIntervalHistogram(interval);
        total.add(interval);
        return LatencySummary.of(name, total);
    }

    /** A copy of the cumulative histogram, for reports and .hlog files. */
    public synchronized Histogram histogram() {
        summary();
        return total.copy();
    }
}
