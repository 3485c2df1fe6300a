package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

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
public final class WeightedAverage implements Combiner {
    private final String name;
    private final Task task;
    private final int outputs;
    private final MemberWeights weights;

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
        Checks.outputs(task, outputs);
        this.name = name;
        this.task = task;
        this.outputs = outputs;
        this.weights = weights;
    }

    /** Simple averaging (soft voting for classification): equal weights, named {@code average}. */
    public static WeightedAverage simple(Task task, int members, int outputs) {
        return new WeightedAverage("average", task, outputs, MemberWeights.equal(members));
    }

    @Override
    public String name() {
        return name;
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
        return ContributionSpace.VALUE;
    }

    @Override
    public double weight(int member) {
        return weights.nominal(member);
    }

    @Override
    public boolean canAnswer(boolean[] present) {
        return weights.canAnswer(present);
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        Checks.combine(this, scores, present, out);
        double total = weights.total(present);
        if (!(total > 0)) {
            Checks.fillNaN(out);
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
            double contribution = w > 0 ? w * x : 0;
            sum += contribution;
            members.add(new MemberContribution(m, true, x, w, contribution));
        }
        return new Explanation(space(), output, 0, sum, members);
    }

    @Override
    public String toString() {
        return name + "(" + task + ", " + outputs + " outputs, " + weights.members() + " members)";
    }
}
