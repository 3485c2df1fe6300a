package dev.tutti.combine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The link kernels of {@link VectorLinearCombiner}, in place over a combined matrix's runs: output k
 * of row r at {@code y[offset + k * stride + r]}.
 *
 * <p>Threads: stateless. Allocation: none (see {@link VectorMath} for why nothing here passes a vector).
 */
final class VectorLinks {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    private VectorLinks() {}

    /** {@code y = 1 / (1 + e^-y)}: 0 or 1 (never NaN) where {@code e^-y} overflows or underflows. */
    static void sigmoid(float[] y, int offset, int rows) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector z = FloatVector.fromArray(S, y, offset + r, lanes);
            FloatVector.broadcast(S, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(y, offset + r, lanes);
        }
    }

    /** {@code y_k = e^(y_k - max_j y_j)}: a softmax before its normalisation. */
    static void exponentiate(float[] y, int offset, int stride, int classes, int rows) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int k = 0; k < classes; k++) {
                max = max.max(FloatVector.fromArray(S, y, offset + k * stride + r, lanes));
            }
            for (int k = 0; k < classes; k++) {
                int at = offset + k * stride + r;
                FloatVector.fromArray(S, y, at, lanes).sub(max).lanewise(VectorOperators.EXP).intoArray(y, at, lanes);
            }
        }
    }

    /** {@code y_k = y_k / sum_j y_j}. */
    static void normalise(float[] y, int offset, int stride, int classes, int rows) {
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector sum = FloatVector.zero(S);
            for (int k = 0; k < classes; k++) {
                sum = sum.add(FloatVector.fromArray(S, y, offset + k * stride + r, lanes));
            }
            for (int k = 0; k < classes; k++) {
                int at = offset + k * stride + r;
                FloatVector.fromArray(S, y, at, lanes).div(sum).intoArray(y, at, lanes);
            }
        }
    }
}
