package dev.tutti.combine;

/**
 * Averaging in log-odds space, with the weights {@code w_m} renormalised over the members present:
 *
 * <ul>
 *   <li>Binary: {@code p = sigmoid(sum_m w_m logit(p_m))}. This is mathematically the binary
 *       {@link GeometricMean} ({@code prod p^w / (prod p^w + prod (1-p)^w)}); both are kept so that a
 *       manifest can name either;
 *   <li>Multiclass: one-vs-rest: per class {@code q_k = sigmoid(sum_m w_m logit(p_mk))}, then
 *       normalised {@code p_k = q_k / sum_j q_j}. (Not the same as the multiclass geometric mean.)
 *   <li>Regression is not supported.
 * </ul>
 *
 * <p>Member probabilities are clamped to {@code [1e-7, 1 - 1e-7]} ({@link Probabilities#EPSILON})
 * before the logit.
 *
 * <p>Explanation: space {@link ContributionSpace#LOGIT}, base 0, contribution {@code w_m
 * logit(p_mk)}; the combined value is the averaged logit of the explained class, before the sigmoid
 * and (multiclass) before the normalisation over classes.
 *
 * <p>Threads: immutable, shareable. Ownership: copies the weights. Allocation: {@link #combine}
 * allocates nothing; {@link #explain} allocates its result.
 */
public final class LogitAverage extends WeightedCombiner {
    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     */
    public LogitAverage(Task task, int outputs, double[] weights) {
        Checks.classification(task, outputs, "logit averaging");
        super("logit-average", task, outputs, ContributionSpace.LOGIT, MemberWeights.of(weights));
    }

    /** {@code sum_m w_m logit(p_mk)} over the members present with positive weight. */
    private double averagedLogit(ScoreMatrix scores, boolean[] present, double total, int output, int row) {
        double sum = 0;
        for (int m = 0; m < weights.members(); m++) {
            double w = weights.effective(m, present, total);
            if (w > 0) {
                sum += w * Probabilities.logit(scores.get(m, output, row));
            }
        }
        return sum;
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        double total = beginCombine(scores, present, out);
        if (total == 0) {
            return;
        }
        int rows = scores.rows();
        for (int row = 0; row < rows; row++) {
            if (task == Task.BINARY) {
                out.set(0, 0, row, (float) Probabilities.sigmoid(averagedLogit(scores, present, total, 0, row)));
                continue;
            }
            double sum = 0;
            for (int k = 0; k < outputs; k++) {
                sum += Probabilities.sigmoid(averagedLogit(scores, present, total, k, row));
            }
            for (int k = 0; k < outputs; k++) {
                double q = Probabilities.sigmoid(averagedLogit(scores, present, total, k, row));
                out.set(0, k, row, (float) (q / sum));
            }
        }
    }

    /** {@code logit(p_mk)} (clamped): the contribution is {@code w_m} times this. */
    @Override
    double memberValue(ScoreMatrix scores, int member, int output, int row) {
        return Probabilities.logit(scores.get(member, output, row));
    }
}
