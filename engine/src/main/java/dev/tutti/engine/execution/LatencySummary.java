package dev.tutti.engine.execution;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one stage's latency, in microseconds.
 *
 * @param stage the stage's name, e.g. {@code member.xgboost} or {@code end-to-end}
 * @param count values recorded
 */
public record LatencySummary(String stage, long count, double p50, double p90, double p95, double p99, double p999, double max) {

    static LatencySummary of(String stage, Histogram h) {
        double us = 1_000.0;
        return new LatencySummary(stage, h.getTotalCount(), h.getValueAtPercentile(50) / us, h.getValueAtPercentile(90) / us,
                h.getValueAtPercentile(95) / us, h.getValueAtPercentile(99) / us, h.getValueAtPercentile(99.9) / us, h.getMaxValue() / us);
    }
}
