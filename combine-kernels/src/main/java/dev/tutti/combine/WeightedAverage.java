package dev.tutti.combine;

/**
 * The weighted arithmetic mean of the members' scores, output by output: {@code out_k = sum_m w_m x_mk}
 * with the weights renormalised over the members present. For binary and multiclass ensembles this is
 * soft voting (the mean of the class probabilities; a mean of distributions is a distribution, so no
 * renormalisation over classes is applied); for regression it is the weighted mean value.
 *
 * <p>Simple averaging is the same combiner with equal weights: {@link #simple}, named {@code average}.
 *
 * <p>Explanation: space {@link ContributionSpace#VALUE}, base 0, contribution of member m
 * {@code w_m x_mk} (its renormalised weight times its score), so the contributions sum to the answer.
 *
 * <p>Threads: immutable, shareable. Ownership: copies the weights. Allocation: {@link #combine}
 * allocates nothing; {@link #explain} allocates its result.
 */
public final class WeightedAverage extends WeightedCombiner {
    /**
     * A weighted average named {@code weighted-average}.
     *
     * @param task any task
     * @param outputs outputs per row: 1 for binary and regression, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     */
    public WeightedAverage(Task task, int outputs, double[] weights) {
        this("weighted-average", task, outputs, MemberWeights.of(weights));
    }

    private WeightedAverage(String name, Task task, int outputs, MemberWeights weights) {
        super(name, task, outputs, ContributionSpace.VALUE, weights);
    }

    /** Simple averaging (soft voting for classification): equal weights, named {@code average}. */
    public static WeightedAverage simple(Task task, int members, int outputs) {
        return new WeightedAverage("average", task, outputs, MemberWeights.equal(members));
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        double total = beginCombine(scores, present, out);
        if (total == 0) {
            return;
        }
        float[] in = scores.data();
        float[] result = out.data();
        int rows = scores.rows();
        for (int k = 0; k < outputs; k++) {
            int target = out.offset(0, k);
            for (int row = 0; row < rows; row++) {
                double sum = 0;
                for (int m = 0; m < weights.members(); m++) {
                    double w = weights.effective(m, present, total);
                    if (w > 0) {
                        sum += w * in[scores.offset(m, k) + row];
                    }
                }
                result[target + row] = (float) sum;
            }
        }
    }

    /** The member's score: its contribution is {@code w_m x_mk}. */
    @Override
    double memberValue(ScoreMatrix scores, int member, int output, int row) {
        return scores.get(member, output, row);
    }
}
