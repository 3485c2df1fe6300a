package dev.tutti.combine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the Vector API kernels share: the species, and the constants of {@link Probabilities} as floats.
 *
 * <p>Every kernel walks the rows of a batch in chunks of {@link #LANES} rows (the rows of one (member,
 * output) run are contiguous in a {@link ScoreMatrix}); the last chunk is masked with
 * {@code SPECIES.indexInRange(row, rows)}, so no kernel has a scalar tail loop to keep in step with its
 * vector body.
 *
 * <p><b>The rule every kernel follows: no method of ours takes or returns a vector or a mask.</b> Each
 * kernel is a loop that loads its vectors from arrays, calls only the Vector API (whose methods are
 * always inlined) and stores the result. C2 keeps a vector in a register only along calls it inlines;
 * it inlines a small method of ours only where the call is frequent relative to the calling method's
 * invocations, or where the method has not been compiled on its own into a larger body. In a process
 * that runs several kinds of combiner both happen, and a vector that crosses a call C2 left out of
 * line is boxed: an allocation per chunk (measured before this rule: 15 to 90 KB per 256-row batch).
 * So the kernels repeat a few lines of loading and storing rather than share a vector helper.
 *
 * <p>Accuracy against the scalar reference, which works in double: inputs are float already, the
 * transforms are float ({@code VectorOperators.LOG} and {@code EXP} are within about 1 ulp of the
 * exact result), and each kernel accumulates in float. See the tests for the error bounds.
 *
 * <p>Threads: constants only.
 */
final class VectorMath {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    /** {@link Probabilities#EPSILON} and its complement as the nearest floats. */
    static final float EPSILON = (float) Probabilities.EPSILON;
    static final float ONE_MINUS_EPSILON = (float) (1 - Probabilities.EPSILON);

    private VectorMath() {}

    /**
     * The smallest float {@code t} such that {@code x >= t} exactly when {@code (double) x >=
     * threshold}, for every float {@code x}: a float compare then agrees with the scalar reference's
     * compare in double.
     */
    static float atLeast(double threshold) {
        float t = (float) threshold;
        return t < threshold ? Math.nextUp(t) : t;
    }
}
