package dev.tutti.combine;

/**
 * Rank averaging for binary ensembles: each member's probability is replaced by its percentile in
 * that member's reference score distribution, and the output is the weighted mean percentile
 * (weights renormalised over the members present). This puts members with differently scaled or
 * miscalibrated scores on one scale. The output is a score in {@code [0, 1]} that orders rows; it is
 * <b>not a calibrated probability</b> (0.5 means "a median row for the average member", not a 50%
 * chance), so thresholds tuned on member probabilities do not carry over.
 *
 * <p>Reference distribution of member m: {@code quantiles[m]}, {@code Q >= 2} ascending quantiles at
 * evenly spaced probability levels {@code 0, 1/(Q-1), ..., 1} ({@code q[0]} the minimum, {@code q[Q-1]}
 * the maximum), e.g. computed on a validation set. See {@link #percentile} for the interpolation.
 *
 * <p>Explanation: space {@link ContributionSpace#RANK}, base 0.5, contribution of member m
 * {@code w_m * (pct_m - 0.5)}, so the base plus the contributions is the mean percentile.
 *
 * <p>Threads: immutable, shareable. Ownership: copies the weights and quantiles. Allocation:
 * {@link #combine} allocates nothing; {@link #explain} allocates its result.
 */
public final class RankAverage extends WeightedCombiner {
    private final float[][] quantiles;

    /**
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     * @param quantiles {@code quantiles[m]}: member m's reference distribution, at least 2 finite
     *     values in non-decreasing order
     */
    public RankAverage(double[] weights, float[][] quantiles) {
        super("rank-average", Task.BINARY, 1, ContributionSpace.RANK, MemberWeights.of(weights));
        if (quantiles == null) {
            throw new IllegalArgumentException("quantiles must not be null");
        }
        if (quantiles.length != weights.length) {
            throw new IllegalArgumentException("quantiles must have one entry per member (" + weights.length
                    + ", the length of weights), got " + quantiles.length);
        }
        this.quantiles = new float[quantiles.length][];
        for (int m = 0; m < quantiles.length; m++) {
            float[] q = quantiles[m];
            if (q == null || q.length < 2) {
                throw new IllegalArgumentException("quantiles[" + m + "] must hold at least 2 values, got "
                        + (q == null ? "null" : q.length));
            }
            for (int i = 0; i < q.length; i++) {
                if (!Float.isFinite(q[i])) {
                    throw new IllegalArgumentException("quantiles[" + m + "][" + i + "] must be finite, got " + q[i]);
                }
                if (i > 0 && q[i] < q[i - 1]) {
                    throw new IllegalArgumentException("quantiles[" + m + "] must be ascending, but ["
                            + (i - 1) + "] = " + q[i - 1] + " > [" + i + "] = " + q[i]);
                }
            }
            this.quantiles[m] = q.clone();
        }
    }

    /** Member m's reference quantiles: the combiner's own array, which callers must not modify. */
    float[] quantiles(int member) {
        return quantiles[member];
    }

    /**
     * The percentile of {@code x} in a reference distribution given by {@code Q >= 2} ascending
     * quantiles at evenly spaced levels: the piecewise-linear empirical CDF on that grid.
     *
     * <ul>
     *   <li>{@code x < q[0]}: 0; {@code x > q[Q-1]}: 1;
     *   <li>{@code q[i] < x < q[i+1]}: {@code (i + (x - q[i]) / (q[i+1] - q[i])) / (Q - 1)};
     *   <li>{@code x} equal to a flat run {@code q[i] == ... == q[j]} (a single {@code q[i]} included,
     *       {@code i == j}): the midpoint {@code (i + j) / 2 / (Q - 1)};
     *   <li>NaN: NaN.
     * </ul>
     *
     * The quantiles must be ascending (not checked here, for speed: the constructor checks them).
     * Allocation: none. O(log Q).
     */
    public static double percentile(float[] quantiles, float x) {
        int n = quantiles.length;
        if (n < 2) {
            throw new IllegalArgumentException("quantiles must hold at least 2 values, got " + n);
        }
        if (Float.isNaN(x)) {
            return Double.NaN;
        }
        // first: the first index with q >= x
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (quantiles[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int first = lo;
        // last: the last index with q <= x
        hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (quantiles[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int last = lo - 1;
        double steps = n - 1;
        if (first == n) {
            return 1; // every quantile below x
        }
        if (last < 0) {
            return 0; // every quantile above x
        }
        if (first <= last) {
            return (first + last) / 2.0 / steps; // x equals q[first..last]
        }
        // q[last] < x < q[first], first == last + 1
        double lower = quantiles[last];
        double upper = quantiles[first];
        return (last + (x - lower) / (upper - lower)) / steps;
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        double total = beginCombine(scores, present, out);
        if (total == 0) {
            return;
        }
        float[] in = scores.data();
        float[] result = out.data();
        int target = out.offset(0, 0);
        for (int row = 0; row < scores.rows(); row++) {
            double sum = 0;
            for (int m = 0; m < weights.members(); m++) {
                double w = weights.effective(m, present, total);
                if (w > 0) {
                    sum += w * percentile(quantiles[m], in[scores.offset(m, 0) + row]);
                }
            }
            result[target + row] = (float) sum;
        }
    }

    @Override
    double explanationBase() {
        return 0.5;
    }

    /** The member's percentile in its reference distribution; its contribution is {@code w_m * (pct_m - 0.5)}. */
    @Override
    double memberValue(ScoreMatrix scores, int member, int output, int row) {
        return percentile(quantiles[member], scores.get(member, 0, row));
    }

    @Override
    public String toString() {
        return "rank-average(" + weights.members() + " members)";
    }
}
