package dev.tutti.combine;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API versions of the batch confidence kernels, rows in lanes. Each computes what the
 * {@link Confidence} method of the same name documents, with the same argument checks. Binary and
 * multiclass rows get separate loops, and no loop hands a vector to a method of ours (see
 * {@link VectorMath} for why).
 *
 * <p>Agreement is one loop (the row's class computed in it, not in a pass of its own): a caller that
 * inlined several vector loops into one compilation ran past C2's node budget and boxed vectors.
 *
 * <p>Agreement is a weighted standard deviation, and a square root magnifies the rounding of a
 * variance near 0. It is computed in one pass with West's weighted update (West 1979,
 * "Updating mean and variance estimates"): {@code W += w; d = v - mean; mean += d w / W;
 * S += d (v - mean) w} (the last factor with the updated mean), variance {@code S / W}. The update
 * works on differences from the running mean, so members that agree exactly give exactly 0, and the
 * rounding stays relative to the spread rather than to the values.
 *
 * <p>Threads: stateless, shareable. Allocation: none.
 */
enum VectorConfidence implements ConfidenceKernels {
    INSTANCE;

    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final VectorSpecies<Integer> INT_SPECIES = S.withLanes(int.class);
    private static final float LN_2 = (float) Math.log(2);

    @Override
    public void predictedClass(Task task, ScoreMatrix combined, int[] out) {
        Confidence.checkCombined(task, combined, out == null ? -1 : out.length);
        switch (task) {
            case REGRESSION -> Arrays.fill(out, 0, combined.rows(), -1);
            case BINARY -> binaryClasses(combined, out);
            case MULTICLASS -> argmaxClasses(combined, out);
        }
    }

    @Override
    public void margin(Task task, ScoreMatrix combined, float[] out) {
        Confidence.checkCombined(task, combined, out == null ? -1 : out.length);
        switch (task) {
            case REGRESSION -> Arrays.fill(out, 0, combined.rows(), Float.NaN);
            case BINARY -> binaryMargin(combined, out);
            case MULTICLASS -> classMargin(combined, out);
        }
    }

    @Override
    public void entropy(Task task, ScoreMatrix combined, float[] out) {
        Confidence.checkCombined(task, combined, out == null ? -1 : out.length);
        switch (task) {
            case REGRESSION -> Arrays.fill(out, 0, combined.rows(), Float.NaN);
            case BINARY -> binaryEntropy(combined, out);
            case MULTICLASS -> classEntropy(combined, out);
        }
    }

    @Override
    public void agreement(Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined,
            double spreadScale, float[] out) {
        Confidence.checkAgreement(combiner, scores, present, combined, spreadScale, out);
        Task task = combiner.task();
        int rows = combined.rows();
        double total = 0;
        for (int m = 0; m < combiner.members(); m++) {
            total += present[m] ? combiner.weight(m) : 0;
        }
        if (!(total > 0)) {
            Arrays.fill(out, 0, rows, Float.NaN);
            return;
        }
        // the standard deviation's factor before it is taken from 1
        float slope = task == Task.REGRESSION ? (float) (1 / spreadScale) : 2f;
        // the class whose probability is 1 - p: class 0 of a binary member (no class otherwise)
        float complementClass = task == Task.BINARY ? 0f : -2f;
        float[] x = scores.data();
        float[] y = combined.data();
        int outputs = scores.outputs();
        double inverse = 1 / total;
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            // the class the row's agreement is about (-1 for a NaN row; 0 for regression, which has none)
            FloatVector cls = FloatVector.zero(S);
            if (task == Task.BINARY) {
                FloatVector p = FloatVector.fromArray(S, y, combined.offset(0, 0) + r, lanes);
                cls = cls.blend(1, p.compare(VectorOperators.GE, 0.5f)).blend(-1, p.test(VectorOperators.IS_NAN));
            } else if (task == Task.MULTICLASS) {
                FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                cls = FloatVector.broadcast(S, -1f);
                for (int k = 0; k < outputs; k++) {
                    FloatVector v = FloatVector.fromArray(S, y, combined.offset(0, k) + r, lanes);
                    VectorMask<Float> greater = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, greater);
                    cls = cls.blend(k, greater);
                }
            }
            VectorMask<Float> complement = cls.compare(VectorOperators.EQ, complementClass);
            FloatVector mean = FloatVector.zero(S);
            FloatVector sum = FloatVector.zero(S); // West's S: the weighted sum of squared deviations
            double seen = 0; // West's W
            for (int m = 0; m < combiner.members(); m++) {
                double w = present[m] ? combiner.weight(m) * inverse : 0;
                if (!(w > 0)) {
                    continue;
                }
                seen += w;
                // the member's probability of the row's class (1 - p for class 0 of a binary member), or its value
                FloatVector v = FloatVector.fromArray(S, x, scores.offset(m, 0) + r, lanes);
                v = v.blend(v.neg().add(1f), complement);
                for (int k = 1; k < outputs; k++) {
                    v = v.blend(FloatVector.fromArray(S, x, scores.offset(m, k) + r, lanes),
                            cls.compare(VectorOperators.EQ, k));
                }
                FloatVector d = v.sub(mean);
                mean = d.fma(FloatVector.broadcast(S, (float) (w / seen)), mean);
                sum = d.mul(v.sub(mean)).fma(FloatVector.broadcast(S, (float) w), sum);
            }
            FloatVector std = sum.div((float) seen).max(0f).sqrt();
            std.mul(-slope).add(1f).max(0f).min(1f)
                    .blend(FloatVector.broadcast(S, Float.NaN), cls.compare(VectorOperators.LT, 0f))
                    .intoArray(out, r, lanes);
        }
    }

    /** Binary predicted classes: 1 when {@code p >= 0.5}, else 0; -1 for NaN. */
    private static void binaryClasses(ScoreMatrix combined, int[] out) {
        float[] y = combined.data();
        int offset = combined.offset(0, 0);
        int rows = combined.rows();
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector p = FloatVector.fromArray(S, y, offset + r, lanes);
            FloatVector cls = FloatVector.zero(S).blend(1, p.compare(VectorOperators.GE, 0.5f))
                    .blend(-1, p.test(VectorOperators.IS_NAN));
            ((IntVector) cls.convert(VectorOperators.F2I, 0)).intoArray(out, r, lanes.cast(INT_SPECIES));
        }
    }

    /**
     * Multiclass predicted classes: the argmax, ties to the lowest class; NaN is never the largest, so
     * a NaN row gives -1. The same rule as {@link VectorTerms#argmaxVotes} and {@link #agreement}.
     */
    private static void argmaxClasses(ScoreMatrix combined, int[] out) {
        float[] y = combined.data();
        int offset = combined.offset(0, 0);
        int stride = combined.capacity();
        int rows = combined.rows();
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector best = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector cls = FloatVector.broadcast(S, -1f);
            for (int k = 0; k < combined.outputs(); k++) {
                FloatVector v = FloatVector.fromArray(S, y, offset + k * stride + r, lanes);
                VectorMask<Float> greater = v.compare(VectorOperators.GT, best);
                best = best.blend(v, greater);
                cls = cls.blend(k, greater);
            }
            ((IntVector) cls.convert(VectorOperators.F2I, 0)).intoArray(out, r, lanes.cast(INT_SPECIES));
        }
    }

    /** {@code |2p - 1|}. */
    private static void binaryMargin(ScoreMatrix combined, float[] out) {
        float[] y = combined.data();
        int offset = combined.offset(0, 0);
        int rows = combined.rows();
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector.fromArray(S, y, offset + r, lanes).mul(2f).sub(1f).abs().intoArray(out, r, lanes);
        }
    }

    /** Top-1 minus top-2 class probability; NaN when any is NaN. */
    private static void classMargin(ScoreMatrix combined, float[] out) {
        float[] y = combined.data();
        int rows = combined.rows();
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector top1 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector top2 = top1;
            VectorMask<Float> nan = S.maskAll(false);
            for (int k = 0; k < combined.outputs(); k++) {
                FloatVector p = FloatVector.fromArray(S, y, combined.offset(0, k) + r, lanes);
                nan = nan.or(p.test(VectorOperators.IS_NAN));
                top2 = top2.max(top1.min(p));
                top1 = top1.max(p);
            }
            top1.sub(top2).blend(FloatVector.broadcast(S, Float.NaN), nan).intoArray(out, r, lanes);
        }
    }

    /**
     * {@code (p ln p + q ln q) / -ln 2} with {@code q = 1 - p}, clamped to [0, 1]; {@code 0 ln 0 = 0},
     * and a NaN or negative p gives NaN (the reference's {@code p ln p} rule, written out for both).
     */
    private static void binaryEntropy(ScoreMatrix combined, float[] out) {
        float[] y = combined.data();
        int offset = combined.offset(0, 0);
        int rows = combined.rows();
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector p = FloatVector.fromArray(S, y, offset + r, lanes);
            FloatVector q = p.neg().add(1f);
            FloatVector plnp = p.mul(p.lanewise(VectorOperators.LOG)).blend(0, p.compare(VectorOperators.EQ, 0f));
            FloatVector qlnq = q.mul(q.lanewise(VectorOperators.LOG)).blend(0, q.compare(VectorOperators.EQ, 0f));
            plnp.add(qlnq).div(-LN_2).max(0f).min(1f).intoArray(out, r, lanes);
        }
    }

    /** {@code sum_k p_k ln p_k / -ln K}, clamped to [0, 1], with the same {@code p ln p} rule. */
    private static void classEntropy(ScoreMatrix combined, float[] out) {
        float[] y = combined.data();
        int rows = combined.rows();
        float scale = (float) -Math.log(combined.outputs());
        for (int r = 0; r < rows; r += S.length()) {
            VectorMask<Float> lanes = S.indexInRange(r, rows);
            FloatVector h = FloatVector.zero(S);
            for (int k = 0; k < combined.outputs(); k++) {
                FloatVector p = FloatVector.fromArray(S, y, combined.offset(0, k) + r, lanes);
                h = h.add(p.mul(p.lanewise(VectorOperators.LOG)).blend(0, p.compare(VectorOperators.EQ, 0f)));
            }
            h.div(scale).max(0f).min(1f).intoArray(out, r, lanes);
        }
    }

    @Override
    public String toString() {
        return "vector confidence kernels (" + VectorMath.LANES + " float lanes)";
    }
}
