package dev.tutti.combine;

/**
 * The space in which a combiner's answer is a sum, so that each member's signed contribution is
 * well defined: {@code combined (in this space) = base + sum of member contributions}.
 */
public enum ContributionSpace {
    /** Probabilities or regression values, combined linearly (averages, voting shares). */
    VALUE,
    /** Log-odds: logit averaging, the normalised geometric mean, logistic stacking. */
    LOGIT,
    /** Log-probabilities, before normalisation over classes (multiclass geometric mean, softmax stacking). */
    LOG,
    /** Percentiles of each member's reference score distribution (rank averaging). */
    RANK
}
