package dev.tutti.combine;

/**
 * The normalised weighted geometric mean of the members' probabilities (a "product of experts"),
 * with the weights {@code w_m} renormalised over the members present:
 *
 * <ul>
 *   <li>Binary: {@code p = prod p_m^w_m / (prod p_m^w_m + prod (1 - p_m)^w_m)}, which equals
 *       {@code sigmoid(sum w_m logit(p_m))}, i.e. {@link LogitAverage} for binary;
 *   <li>Multiclass: {@code p_k proportional to prod_m p_mk^w_m}, normalised over the classes,
 *       computed in log space with max-subtraction so it neither underflows nor overflows;
 *   <li>Regression is not supported.
 * </ul>
 *
 * <p>Member probabilities are clamped to {@code [1e-7, 1 - 1e-7]} ({@link Probabilities#EPSILON})
 * before logarithms, so one member answering exactly 0 cannot veto a class on its own.
 *
 * <p>Explanation: binary in {@link ContributionSpace#LOGIT}, base 0, contribution
 * {@code w_m logit(p_m)}, combined value the log-odds of the answer; multiclass in
 * {@link ContributionSpace#LOG}, base 0, contribution {@code w_m ln p_mk}, combined value the
 * unnormalised {@code sum_m w_m ln p_mk} (the answer is its softmax over the classes).
 *
 * <p>Threads: immutable, shareable. Ownership: copies the weights. Allocation: {@link #combine}
 * allocates nothing; {@link #explain} allocates its result.
 */
public final class GeometricMean extends WeightedCombiner {
    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     */
    public GeometricMean(Task task, int outputs, double[] weights) {
        Checks.classification(task, outputs, "the geometric mean");
        ContributionSpace space = task == Task.BINARY ? ContributionSpace.LOGIT : ContributionSpace.LOG;
        super("geometric-mean", task, outputs, space, MemberWeights.of(weights));
    }

    /** {@code sum_m w_m ln(clamp(p_mk))} over the members present with positive weight. */
    private double weightedLog(ScoreMatrix scores, boolean[] present, double total, int output, int row) {
        double sum = 0;
        for (int m = 0; m < weights.members(); m++) {
            double w = weights.effective(m, present, total);
            if (w > 0) {
                sum += w * Probabilities.log(scores.get(m, output, row));
            }
        }
        return sum;
    }

    /** {@code sum_m w_m ln(1 - clamp(p_m))}: the binary complement's weighted log. */
    private double weightedLogComplement(ScoreMatrix scores, boolean[] present, double total, int row) {
        double sum = 0;
        for (int m = 0; m < weights.members(); m++) {
            double w = weights.effective(m, present, total);
            if (w > 0) {
                sum += w * Math.log1p(-Probabilities.clamp(scores.get(m, 0, row)));
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
                // p = e^a / (e^a + e^b), a = sum w ln p, b = sum w ln(1 - p)
                double a = weightedLog(scores, present, total, 0, row);
                double b = weightedLogComplement(scores, present, total, row);
                double max = Math.max(a, b);
                double ea = Math.exp(a - max);
                double eb = Math.exp(b - max);
                out.set(0, 0, row, (float) (ea / (ea + eb)));
                continue;
            }
            // log-sum-exp over the classes, in one pass with a running maximum
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int k = 0; k < outputs; k++) {
                double s = weightedLog(scores, present, total, k, row);
                if (s > max) {
                    sum = sum * Math.exp(max - s) + 1;
                    max = s;
                } else {
                    sum += Math.exp(s - max);
                }
            }
            double logNorm = max + Math.log(sum);
            for (int k = 0; k < outputs; k++) {
                out.set(0, k, row, (float) Math.exp(weightedLog(scores, present, total, k, row) - logNorm));
            }
        }
    }

    /**
     * {@code logit(p_m)} for binary, {@code ln p_mk} for multiclass (clamped): the contribution is
     * {@code w_m} times this.
     */
    @Override
    double memberValue(ScoreMatrix scores, int member, int output, int row) {
        double x = scores.get(member, output, row);
        return task == Task.BINARY ? Probabilities.logit(x) : Probabilities.log(x);
    }
}
