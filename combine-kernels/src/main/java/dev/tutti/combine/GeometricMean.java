package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

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
public final class GeometricMean implements Combiner {
    private final Task task;
    private final int outputs;
    private final MemberWeights weights;

    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     */
    public GeometricMean(Task task, int outputs, double[] weights) {
        Checks.outputs(task, outputs);
        if (task == Task.REGRESSION) {
            throw new IllegalArgumentException(
                    "task REGRESSION is not supported by the geometric mean (BINARY or MULTICLASS only)");
        }
        this.task = task;
        this.outputs = outputs;
        this.weights = MemberWeights.of(weights);
    }

    @Override
    public String name() {
        return "geometric-mean";
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public int members() {
        return weights.members();
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public ContributionSpace space() {
        return task == Task.BINARY ? ContributionSpace.LOGIT : ContributionSpace.LOG;
    }

    @Override
    public double weight(int member) {
        return weights.nominal(member);
    }

    @Override
    public boolean canAnswer(boolean[] present) {
        return weights.canAnswer(present);
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
        Checks.combine(this, scores, present, out);
        double total = weights.total(present);
        if (!(total > 0)) {
            Checks.fillNaN(out);
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

    @Override
    public Explanation explain(ScoreMatrix scores, boolean[] present, FeatureRows features, int row, int output) {
        Checks.explain(this, scores, present, row, output);
        double total = weights.total(present);
        if (!(total > 0)) {
            return Checks.unanswerable(space(), scores, present, row, output);
        }
        List<MemberContribution> members = new ArrayList<>(weights.members());
        double sum = 0;
        for (int m = 0; m < weights.members(); m++) {
            if (!present[m]) {
                members.add(new MemberContribution(m, false, Double.NaN, 0, 0));
                continue;
            }
            double w = weights.effective(m, present, total);
            double x = scores.get(m, output, row);
            double contribution = 0;
            if (w > 0) {
                contribution = w * (task == Task.BINARY ? Probabilities.logit(x) : Probabilities.log(x));
            }
            sum += contribution;
            members.add(new MemberContribution(m, true, x, w, contribution));
        }
        return new Explanation(space(), output, 0, sum, members);
    }

    @Override
    public String toString() {
        return "geometric-mean(" + task + ", " + outputs + " outputs, " + weights.members() + " members)";
    }
}
