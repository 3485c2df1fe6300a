package dev.tutti.engine.serving;

import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberCounters;
import dev.tutti.engine.execution.MemberHealth;
import java.util.List;

/**
 * A snapshot of an {@link EnsembleService}'s counters since start, its latencies (queue wait, each
 * member, combine, end to end) and each member's circuit-breaker state.
 *
 * @param accepted requests queued
 * @param overloaded requests refused because the ring was full
 * @param invalid requests refused for invalid rows
 * @param refused requests refused as too large or after close
 * @param answered requests answered
 * @param degraded answered requests with a missing member
 * @param fallback answered requests answered by one member alone
 * @param deadlineExceeded requests whose deadline passed in the queue
 * @param unavailable requests failed because no member answered
 * @param internal requests failed by an internal error
 * @param batches batches scored
 * @param batchedRows rows scored
 * @param backlog rows queued now
 * @param members member names, the order of the per-member lists
 * @param health each member's circuit-breaker state
 * @param breakerOpenings how many times each member's breaker opened
 * @param memberCounters each member's calls, failures, timeouts and skips
 * @param latencies queue wait, batch formation (the first row's wait for its batch), each member, combine, end to end
 * @param runtimes each member's runtime use: where a member that can fall back (a GPU member) scores now
 */
public record ServiceMetrics(
        long accepted, long overloaded, long invalid, long refused, long answered, long degraded, long fallback,
        long deadlineExceeded, long unavailable, long internal, long batches, long batchedRows, long backlog,
        List<String> members, List<MemberHealth.State> health, long[] breakerOpenings, List<MemberCounters.Snapshot> memberCounters,
        List<LatencySummary> latencies, List<MemberRuntimeUse> runtimes) {

    /** Requests that got no answer, for any reason after being accepted. */
    public long failed() {
        return deadlineExceeded + unavailable + internal;
    }

    public LatencySummary latency(String stage) {
        return latencies.stream().filter(l -> l.stage().equals(stage)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + stage));
    }
}
