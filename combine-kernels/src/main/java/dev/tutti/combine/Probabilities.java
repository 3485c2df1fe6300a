package dev.tutti.combine;

/**
 * The probability transforms the combiners share, so that every combiner (and any later vectorised
 * kernel tested against them) clamps and links identically.
 *
 * <p>Probabilities are clamped to {@code [EPSILON, 1 - EPSILON]} before any logarithm or logit, so a
 * member that answers exactly 0 or 1 contributes a large but finite log-odds ({@code |logit| <= 16.12})
 * instead of an infinity that would veto every other member.
 *
 * <p>Threads: stateless, safe from any thread. Allocation: none.
 */
public final class Probabilities {

    /** The clamping epsilon: probabilities are clamped to {@code [1e-7, 1 - 1e-7]} before logs. */
    public static final double EPSILON = 1e-7;

    private Probabilities() {}

    /** {@code p} clamped to {@code [EPSILON, 1 - EPSILON]}; NaN stays NaN. */
    public static double clamp(double p) {
        return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    }

    /** {@code ln(clamp(p))}. */
    public static double log(double p) {
        return Math.log(clamp(p));
    }

    /** {@code ln(c / (1 - c))} with {@code c = clamp(p)}. */
    public static double logit(double p) {
        double c = clamp(p);
        return Math.log(c) - Math.log1p(-c);
    }

    /** {@code 1 / (1 + e^-z)}, computed without overflow for large {@code |z|}. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
