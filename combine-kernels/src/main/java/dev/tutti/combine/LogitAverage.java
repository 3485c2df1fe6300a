package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

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
public final class LogitAverage implements Combiner {
    private final Task task;
    private final int outputs;
    private final MemberWeights weights;

    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     */
    public LogitAverage(Task task, int outputs, double[] weights) {
        Checks.outputs(task, outputs);
        if (task == Task.REGRESSION) {
            throw new IllegalArgumentException(
                    "task REGRESSION is not supported by logit averaging (BINARY or MULTICLASS only)");
        }
        this.task = task;
        this.outputs = outputs;
        this.weights = MemberWeights.of(weights);
    }

    @Override
    public String name() {
        return "logit-average";
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
        return ContributionSpace.LOGIT;
    }

    @Override
    public double weight(int member) {
        return weights.nominal(member);
    }

    @Override
    public boolean canAnswer(boolean[] present) {
        return weights.canAnswer(present);
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
        Checks.combine(this, scores, present, out);
        double total = weights.total(present);
        if (!(total > 0)) {
            Checks.fillNaN(out);
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
            double contribution = w > 0 ? w * Probabilities.logit(x) : 0;
            sum += contribution;
            members.add(new MemberContribution(m, true, x, w, contribution));
        }
        return new Explanation(space(), output, 0, sum, members);
    }

    @Override
    public String toString() {
        return "logit-average(" + task + ", " + outputs + " outputs, " + weights.members() + " members)";
    }
}
