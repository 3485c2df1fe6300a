package dev.tutti.cpu.tree.batch;

/** The float32 form of a numeric split's threshold. */
final class PlainSplit {
    private PlainSplit() {}

    /**
     * The smallest float not below {@code threshold}: for every float {@code x},
     * {@code x < result} exactly when {@code (double) x < threshold} (no float lies between the two),
     * so LightGBM's double thresholds can be compared in float32 without changing any decision.
     */
    static float floatThreshold(double threshold) {
        float f = (float) threshold;
        return (double) f < threshold ? Math.nextUp(f) : f;
    }
}
