package dev.tutti.trainer;

/**
 * The result of loading a trained member through its serving runtime and comparing its outputs on
 * some training rows with the training library's own predictions. Immutable.
 *
 * @param runtime the serving runtime's description, or null when none on the class path loads the format
 * @param rows rows compared
 * @param maxDifference the largest {@code |served - trainer| / max(scale, |trainer|)} over every output (scale: see
 *     {@link ServedParity})
 * @param tolerance the largest difference accepted
 */
public record ParityCheck(String runtime, int rows, double maxDifference, double tolerance) {
    public boolean checked() {
        return runtime != null;
    }

    public boolean passed() {
        return !checked() || maxDifference <= tolerance;
    }
}
