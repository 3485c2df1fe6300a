package dev.tutti.engine.ensemble;

import dev.tutti.combine.ScoreMatrix;

/** Checks of a member's scores before they may be combined. Stateless; allocates only its verdict. */
final class Scores {
    private Scores() {}

    /**
     * Why member {@code m}'s first {@code count} rows cannot be used (NaN, infinite, or for
     * classification a probability outside [0, 1]), or null when they can.
     */
    static String invalid(ScoreMatrix scores, int m, int count, boolean probabilities) {
        float[] data = scores.data();
        for (int o = 0; o < scores.outputs(); o++) {
            int base = scores.offset(m, o);
            for (int r = 0; r < count; r++) {
                float v = data[base + r];
                if (!Float.isFinite(v) || probabilities && (v < 0 || v > 1)) {
                    return "invalid score " + v + " for row " + r + (scores.outputs() > 1 ? " output " + o : "")
                            + (probabilities ? " (a probability in [0, 1] was expected)" : "");
                }
            }
        }
        return null;
    }
}
