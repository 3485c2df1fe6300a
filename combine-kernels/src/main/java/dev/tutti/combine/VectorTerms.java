package dev.tutti.combine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The term kernels of {@link VectorLinearCombiner}: {@code y[target + r] += c * input(x[source + r])}
 * for the rows {@code r} of a batch, one kernel per input transform.
 *
 * <p>One loop per transform, on purpose (see {@link VectorMath}: no vector crosses a method of ours).
 * A single loop with a switch over the transforms, in a process that runs several kinds of combiner,
 * lost the inlining of its rarer branches' helpers and allocated a boxed vector per chunk.
 *
 * <p>Threads: stateless. Allocation: none.
 */
final class VectorTerms {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    private VectorTerms() {}

    /** {@code y += c * x}. */
    static void values(float[] x, int source, float[] y, int target, int rows, float c) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector t = FloatVector.fromArray(S, x, source + r, lanes);
            t.fma(FloatVector.broadcast(S, c), FloatVector.fromArray(S, y, target + r, lanes)).intoArray(y, target + r, lanes);
        }
    }

    /** {@code y += c * ln(clamp(x))}, as {@link Probabilities#log}. */
    static void logs(float[] x, int source, float[] y, int target, int rows, float c) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector p = FloatVector.fromArray(S, x, source + r, lanes);
            FloatVector t = p.max(VectorMath.EPSILON).min(VectorMath.ONE_MINUS_EPSILON).lanewise(VectorOperators.LOG);
            t.fma(FloatVector.broadcast(S, c), FloatVector.fromArray(S, y, target + r, lanes)).intoArray(y, target + r, lanes);
        }
    }

    /**
     * {@code y += c * logit(clamp(x))}, as {@link Probabilities#logit}, with one logarithm:
     * {@code ln(max(p, eps) / max(1 - p, eps))}. The complement is clamped on its own rather than
     * taken from the clamped {@code p}: {@code 1 - 1e-7} is not a float, and {@code 1 - (float) (1 -
     * 1e-7)} is 1.19e-7, which would move a saturated logit by 0.18. {@code 1 - p} is exact for
     * {@code p >= 0.5}, where it matters.
     */
    static void logits(float[] x, int source, float[] y, int target, int rows, float c) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector p = FloatVector.fromArray(S, x, source + r, lanes);
            FloatVector complement = p.neg().add(1f).max(VectorMath.EPSILON);
            FloatVector t = p.max(VectorMath.EPSILON).div(complement).lanewise(VectorOperators.LOG);
            t.fma(FloatVector.broadcast(S, c), FloatVector.fromArray(S, y, target + r, lanes)).intoArray(y, target + r, lanes);
        }
    }

    /** Binary votes: {@code y += c} where {@code x >= threshold}. */
    static void votes(float[] x, int source, float[] y, int target, int rows, float c, float threshold) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            VectorMask<Float> votes = FloatVector.fromArray(S, x, source + r, lanes).compare(VectorOperators.GE, threshold);
            FloatVector.fromArray(S, y, target + r, lanes).add(c, votes).intoArray(y, target + r, lanes);
        }
    }

    /**
     * Multiclass votes: {@code y[k] += c} for the class k of each row's largest {@code x[k]} (ties to
     * the lowest class, NaN never largest), with {@code x[k]} at {@code source + k * stride} and
     * {@code y[k]} at {@code target + k * yStride}. The argmax is the same rule as
     * {@link VectorConfidence}'s predicted class.
     */
    static void argmaxVotes(float[] x, int source, int stride, int classes, float[] y, int target, int yStride,
            int rows, float c) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector vote = FloatVector.broadcast(S, -1f);
            for (int k = 0; k < classes; k++) {
                FloatVector v = FloatVector.fromArray(S, x, source + k * stride + r, lanes);
                VectorMask<Float> greater = v.compare(VectorOperators.GT, best);
                best = best.blend(v, greater);
                vote = vote.blend(k, greater);
            }
            for (int k = 0; k < classes; k++) {
                int offset = target + k * yStride + r;
                FloatVector.fromArray(S, y, offset, lanes).add(c, vote.compare(VectorOperators.EQ, k)).intoArray(y, offset, lanes);
            }
        }
    }
}
