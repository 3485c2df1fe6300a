package dev.tutti.engine.execution;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an ensemble's members are run for each batch (see docs/architecture.md, "Execution").
 *
 * @param workers worker threads for CPU members (default: the number of cores); one more thread is
 *     added for each member still stuck in an earlier call, so a hung member cannot starve the others
 * @param minWeightShare the quorum: the members that answered must carry at least this share of the
 *     combiner's total nominal weight (default 0.5; for stacking every member weighs 1)
 * @param minMembers and at least this many members must have answered (default 1)
 * @param fallbackMembers members to answer alone, in order of preference, when the quorum is not met
 *     (default: none; then the best member that answered, by the manifest's test log-loss, else by weight)
 * @param tierBudgets the latency budget of each tier, tier 0 first (default 25 ms, 100 ms, 1 s)
 * @param health when a member's circuit breaker opens (see {@link MemberHealth})
 * @param workerSpin how long a member worker with nothing to do keeps looking for the next member
 *     call before it parks (default 200 us; zero parks at once). On machines where waking a parked
 *     thread costs tens of microseconds (virtual machines with few cores) the spin lets the next
 *     batch's calls start at once; it costs at most this much CPU per worker per idle spell
 *     (docs/benchmarks.md, "third session")
 */
public record ExecutionConfig(
        int workers, double minWeightShare, int minMembers, List<String> fallbackMembers, List<Duration> tierBudgets,
        HealthPolicy health, Duration workerSpin) {

    /** The default {@link #workerSpin}. */
    public static final Duration DEFAULT_WORKER_SPIN = Duration.ofNanos(200_000);

    public ExecutionConfig {
        Objects.requireNonNull(fallbackMembers, "fallbackMembers");
        Objects.requireNonNull(tierBudgets, "tierBudgets");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(workerSpin, "workerSpin");
        fallbackMembers = List.copyOf(fallbackMembers);
        tierBudgets = List.copyOf(tierBudgets);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        if (!(minWeightShare >= 0 && minWeightShare <= 1)) {
            throw new IllegalArgumentException("minWeightShare must be in [0, 1], not " + minWeightShare);
        }
        if (minMembers < 1) {
            throw new IllegalArgumentException("minMembers must be at least 1, not " + minMembers);
        }
        if (workerSpin.isNegative() || workerSpin.compareTo(Duration.ofMillis(10)) > 0) {
            throw new IllegalArgumentException("workerSpin must be between 0 and 10 ms, not " + workerSpin.toNanos() / 1_000 + " us");
        }
        if (tierBudgets.isEmpty() || tierBudgets.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("tierBudgets must list at least one positive duration: " + tierBudgets);
        }
    }

    public static ExecutionConfig defaults() {
        return new ExecutionConfig(Runtime.getRuntime().availableProcessors(), 0.5, 1, List.of(),
                List.of(Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofSeconds(1)), HealthPolicy.DEFAULT, DEFAULT_WORKER_SPIN);
    }

    public ExecutionConfig withWorkers(int workers) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    public ExecutionConfig withQuorum(double minWeightShare, int minMembers) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    public ExecutionConfig withFallback(List<String> fallbackMembers) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    public ExecutionConfig withTierBudgets(List<Duration> tierBudgets) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    public ExecutionConfig withHealth(HealthPolicy health) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    public ExecutionConfig withWorkerSpin(Duration workerSpin) {
        return new ExecutionConfig(workers, minWeightShare, minMembers, fallbackMembers, tierBudgets, health, workerSpin);
    }

    /** The budget of a tier; tiers past the last use the last. */
    public Duration budget(int tier) {
        return tierBudgets.get(Math.max(0, Math.min(tier, tierBudgets.size() - 1)));
    }
}
