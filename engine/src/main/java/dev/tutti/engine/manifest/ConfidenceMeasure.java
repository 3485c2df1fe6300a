package dev.tutti.engine.manifest;

/**
 * Which measure fills each row's {@code confidence} (all three are always computed):
 *
 * <ul>
 *   <li>{@link #AGREEMENT}: how closely the members agree (1 - 2 x weighted standard deviation of the
 *       members' probability of the predicted class; for regression 1 - std / spreadScale);
 *   <li>{@link #MARGIN}: top class probability minus the runner-up's;
 *   <li>{@link #ENTROPY}: 1 - normalised entropy of the combined class distribution.
 * </ul>
 */
public enum ConfidenceMeasure {
    AGREEMENT,
    MARGIN,
    ENTROPY
}
