package dev.tutti.transport.client;

import java.time.Duration;

/**
 * How one score request is served: the latency tier or an explicit budget (the server's deadline),
 * how long the client waits for the answer, and whether each row comes back explained.
 *
 * @param tier latency tier (0-255); used when {@code budget} is null
 * @param budget the server-side latency budget, or null for the tier's
 * @param timeout how long the client waits, or null for the client's default
 * @param explain ask for each row's explanation ({@link ScoreResult#explanation}); costs the server
 *     work and the answer bytes (40 + 24 per member per row)
 */
public record ScoreOptions(int tier, Duration budget, Duration timeout, boolean explain) {
    public static final ScoreOptions DEFAULT = new ScoreOptions(0, null, null, false);

    /** Options without explanations. */
    public ScoreOptions(int tier, Duration budget, Duration timeout) {
        this(tier, budget, timeout, false);
    }

    public ScoreOptions {
        if (tier < 0 || tier > 255) {
            throw new IllegalArgumentException("a tier is 0 to 255: " + tier);
        }
        if (budget != null && (budget.isNegative() || budget.isZero() || budget.toNanos() / 1_000 > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("a budget is positive and below 35 minutes: " + budget);
        }
    }

    public static ScoreOptions tier(int tier) {
        return new ScoreOptions(tier, null, null);
    }

    public static ScoreOptions budget(Duration budget) {
        return new ScoreOptions(0, budget, null);
    }

    public ScoreOptions withTimeout(Duration timeout) {
        return new ScoreOptions(tier, budget, timeout, explain);
    }

    /** The same options, asking for each row's explanation. */
    public ScoreOptions withExplanations() {
        return new ScoreOptions(tier, budget, timeout, true);
    }

    int budgetMicros() {
        return budget == null ? 0 : (int) Math.max(1, budget.toNanos() / 1_000);
    }
}
