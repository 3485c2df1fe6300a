package dev.tutti.engine.execution;

import java.time.Duration;

/**
 * When a member's circuit breaker opens, degrades and retries (see {@link MemberHealth}).
 *
 * @param window how many recent calls are judged (default 20)
 * @param minCalls calls needed before the window is judged (default 5)
 * @param failureRatio share of failed calls in the window that opens the breaker (default 0.5)
 * @param coolDownNanos how long an open breaker skips the member before a probe (default 5 s)
 * @param slowNanos median latency above which a member is reported degraded (default 50 ms)
 */
public record HealthPolicy(int window, int minCalls, double failureRatio, long coolDownNanos, long slowNanos) {

    public static final HealthPolicy DEFAULT = new HealthPolicy(20, 5, 0.5, Duration.ofSeconds(5).toNanos(), Duration.ofMillis(50).toNanos());

    public HealthPolicy {
        if (window < 1 || minCalls < 1 || minCalls > window) {
            throw new IllegalArgumentException("window must be >= 1 and minCalls in [1, window]: " + window + ", " + minCalls);
        }
        if (!(failureRatio > 0 && failureRatio <= 1)) {
            throw new IllegalArgumentException("failureRatio must be in (0, 1], not " + failureRatio);
        }
        if (coolDownNanos < 0 || slowNanos < 0) {
            throw new IllegalArgumentException("coolDown and slow thresholds must not be negative");
        }
    }
}
