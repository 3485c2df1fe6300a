package dev.tutti.combine;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The Vector API kernel of {@link RankAverage}: the same percentile ({@link RankAverage#percentile}),
 * found by a branch-free search that is vectorised over each member's quantiles instead of the
 * reference's two binary searches (whose branches a random score mispredicts about half the time).
 *
 * <p>The search counts, for a score {@code x}, {@code first = #(q < x)} (and, for a score equal to a
 * quantile, {@code last + 1 = #(q <= x)}), which is all {@link RankAverage#percentile} needs. The
 * quantiles are cut into blocks of {@link VectorMath#LANES}; a block whose last quantile is below
 * {@code x} counts whole. So one compare of {@code x} against the vector of block maxima ("pivots")
 * gives the block where the count stops, and one compare against that block gives the rest: two
 * compares and two population counts, for any number of quantiles up to {@code LANES^2} (256 with 16
 * lanes; beyond, one more pivot compare per {@code LANES^2} quantiles). Blocks are padded with
 * +infinity, which no score counts past.
 *
 * <p>Threads: immutable, shareable. Ownership: holds padded copies of the quantiles. Allocation:
 * {@link #combine} allocates nothing.
 */
final class VectorRankAverage extends VectorCombiner {
    private static final int LANES = VectorMath.LANES;

    private final double[] weights;
    /** Per member: quantiles padded with +infinity to whole blocks, plus one block of +infinity. */
    private final float[][] blocks;
    /** Per member: the last quantile of each block, padded with +infinity to whole vectors. */
    private final float[][] pivots;
    /** Per member: {@code 1 / (q[i + 1] - q[i])} (infinite across a flat run, where it is never used). */
    private final double[][] inverseGaps;

    VectorRankAverage(RankAverage reference) {
        super(reference);
        this.weights = new double[members];
        this.blocks = new float[members][];
        this.pivots = new float[members][];
        this.inverseGaps = new double[members][];
        for (int m = 0; m < members; m++) {
            float[] q = reference.quantiles(m);
            weights[m] = reference.weight(m);
            int blockCount = (q.length + LANES - 1) / LANES;
            blocks[m] = Arrays.copyOf(q, (blockCount + 1) * LANES);
            Arrays.fill(blocks[m], q.length, blocks[m].length, Float.POSITIVE_INFINITY);
            pivots[m] = new float[(blockCount + LANES - 1) / LANES * LANES];
            Arrays.fill(pivots[m], Float.POSITIVE_INFINITY);
            for (int b = 0; b < blockCount; b++) {
                pivots[m][b] = blocks[m][b * LANES + LANES - 1];
            }
            inverseGaps[m] = new double[q.length - 1];
            for (int i = 0; i + 1 < q.length; i++) {
                inverseGaps[m][i] = 1 / ((double) q[i + 1] - q[i]);
            }
        }
    }

    @Override
    void combineRows(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        int rows = scores.rows();
        float[] x = scores.data();
        float[] y = out.data();
        int target = out.offset(0, 0);
        double scale = 1 / presentWeight(present);
        Arrays.fill(y, target, target + rows, 0f);
        for (int m = 0; m < members; m++) {
            double w = present[m] ? weights[m] * scale : 0;
            if (!(w > 0)) {
                continue;
            }
            float[] p = pivots[m];
            float[] q = blocks[m];
            double[] gaps = inverseGaps[m];
            int source = scores.offset(m, 0);
            for (int row = 0; row < rows; row++) {
                y[target + row] += (float) (w * percentile(p, q, gaps, x[source + row]));
            }
        }
    }

    /**
     * {@link RankAverage#percentile} of {@code x} in the {@code gaps.length + 1} quantiles padded in
     * {@code q} (block maxima in {@code p}), with the reference's arithmetic except two multiplications
     * by precomputed reciprocals for its divisions (within a few double ulps; as a float, the same or
     * one ulp apart).
     *
     * <p>It counts {@code first = #(q < x)}; unless {@code q[first] == x}, no quantile equals {@code x}
     * and {@code last = first - 1}, so the second count ({@code #(q <= x)}) is needed only for a score
     * equal to a quantile. The first pivot vector is compared outside the loop, which runs only past
     * {@code LANES^2} quantiles. (The comparisons are written out, not passed in: the Vector API
     * compiles a compare to one instruction only when its operator is a constant.)
     */
    private static double percentile(float[] p, float[] q, double[] gaps, float x) {
        if (Float.isNaN(x)) {
            return Double.NaN;
        }
        int n = gaps.length + 1;
        int first = FloatVector.fromArray(VectorMath.SPECIES, p, 0).compare(VectorOperators.LT, x).trueCount();
        for (int i = LANES; i < p.length; i += LANES) {
            first += FloatVector.fromArray(VectorMath.SPECIES, p, i).compare(VectorOperators.LT, x).trueCount();
        }
        first *= LANES;
        first += FloatVector.fromArray(VectorMath.SPECIES, q, first).compare(VectorOperators.LT, x).trueCount();
        double step = 1.0 / (n - 1);
        if (first < n && q[first] == x) {
            int last = FloatVector.fromArray(VectorMath.SPECIES, p, 0).compare(VectorOperators.LE, x).trueCount();
            for (int i = LANES; i < p.length; i += LANES) {
                last += FloatVector.fromArray(VectorMath.SPECIES, p, i).compare(VectorOperators.LE, x).trueCount();
            }
            last *= LANES;
            last += FloatVector.fromArray(VectorMath.SPECIES, q, last).compare(VectorOperators.LE, x).trueCount() - 1;
            return (first + last) / 2.0 * step; // x equals q[first..last]
        }
        if (first == n) {
            return 1; // every quantile below x
        }
        if (first == 0) {
            return 0; // every quantile above x
        }
        int last = first - 1; // q[last] < x < q[first]
        return (last + (x - (double) q[last]) * gaps[last]) * step;
    }
}
