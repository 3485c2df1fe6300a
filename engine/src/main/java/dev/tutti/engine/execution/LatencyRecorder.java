package dev.tutti.engine.execution;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one stage, recorded by any thread into an HdrHistogram {@link Recorder} (wait-free for
 * writers) and read as a cumulative {@link LatencySummary}: each read moves the interval histogram
 * into the running total, recycling it.
 *
 * <p>Threads: {@link #record} from any thread; {@link #summary} from one reader at a time
 * (synchronized). Allocation: none per record; a summary allocates its record.
 */
public final class LatencyRecorder {
    /** One hour in nanoseconds: the largest latency tracked at full precision. */
    private static final long HIGHEST = TimeUnit.HOURS.toNanos(1);

    private final String name;
    private final Recorder recorder = new Recorder(HIGHEST, 3);
    private final Histogram total = new Histogram(HIGHEST, 3);
    private Histogram interval;

    public LatencyRecorder(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Records one latency; values are clamped to [0, 1 h]. */
    public void record(long nanos) {
        recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST)));
    }

    /** Everything recorded since construction. */
    public synchronized LatencySummary summary() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return LatencySummary.of(name, total);
    }

    /** A copy of the cumulative histogram, for reports and .hlog files. */
    public synchronized Histogram histogram() {
        summary();
        return total.copy();
    }
}
