package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

/**
 * Hard voting: each member present casts its (renormalised) weight for one class and the output is
 * each class's share of the weight.
 *
 * <ul>
 *   <li>Binary: a member votes class 1 when its probability is {@code >= threshold}; the single output
 *       is the weight share of the votes for class 1 (so {@code >= 0.5} means a weighted majority).
 *   <li>Multiclass: a member votes its argmax class (ties to the lowest index); output k is the weight
 *       share of the votes for class k, and the outputs sum to one.
 *   <li>Regression is not supported.
 * </ul>
 *
 * <p>Named {@code majority-vote} when all weights are equal ({@link #majority}), {@code weighted-vote}
 * otherwise. The output is a vote share, not a calibrated probability.
 *
 * <p>Explanation: space {@link ContributionSpace#VALUE}, base {@code b = 1/2} for binary and
 * {@code 1/K} for multiclass (the share of a class under a uniform split), contribution of member m to
 * output k {@code w_m * [vote_m == k] - w_m * b} with {@code w_m} its renormalised weight. Since the
 * renormalised weights sum to one, {@code b + sum of contributions = share of k}: a member voting for k
 * pushes it up, a member voting for another class pulls it down. For binary the explained class is
 * class 1 (output 0).
 *
 * <p>Threads: immutable, shareable. Ownership: copies the weights. Allocation: {@link #combine}
 * allocates nothing; {@link #explain} allocates its result. The multiclass loop recomputes each
 * member's argmax per class (O(members x K^2) per row) to stay allocation-free: this is the scalar
 * reference, not the fast path.
 */
public final class Voting implements Combiner {
    /** The default binary threshold: a member votes class 1 when {@code p >= 0.5}. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private final Task task;
    private final int outputs;
    private final MemberWeights weights;
    private final double threshold;
    private final String name;

    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     * @param threshold binary only (ignored for multiclass): a member votes class 1 when {@code p >=
     *     threshold}; in {@code [0, 1]}
     */
    public Voting(Task task, int outputs, double[] weights, double threshold) {
        this(task, outputs, MemberWeights.of(weights), threshold);
    }

    /** Voting with the default threshold 0.5. */
    public Voting(Task task, int outputs, double[] weights) {
        this(task, outputs, weights, DEFAULT_THRESHOLD);
    }

    private Voting(Task task, int outputs, MemberWeights weights, double threshold) {
        Checks.outputs(task, outputs);
        if (task == Task.REGRESSION) {
            throw new IllegalArgumentException("task REGRESSION is not supported by voting (BINARY or MULTICLASS only)");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.task = task;
        this.outputs = outputs;
        this.weights = weights;
        this.threshold = threshold;
        this.name = weights.allEqual() ? "majority-vote" : "weighted-vote";
    }

    /** Unweighted majority voting with threshold 0.5, named {@code majority-vote}. */
    public static Voting majority(Task task, int members, int outputs) {
        return new Voting(task, outputs, MemberWeights.equal(members), DEFAULT_THRESHOLD);
    }

    /** The binary vote threshold. */
    public double threshold() {
        return threshold;
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

    /** The class member m votes at row: binary 1 or 0, multiclass the argmax (-1 when all NaN). */
    private int vote(ScoreMatrix scores, int member, int row) {
        if (task == Task.BINARY) {
            return scores.get(member, 0, row) >= threshold ? 1 : 0;
        }
        return Checks.argmax(scores, member, row);
    }

    /** The class that output k stands for: class 1 for binary, class k for multiclass. */
    private int classOf(int output) {
        return task == Task.BINARY ? 1 : output;
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        Checks.combine(this, scores, present, out);
        double total = weights.total(present);
        if (!(total > 0)) {
            Checks.fillNaN(out);
            return;
        }
        float[] result = out.data();
        int rows = scores.rows();
        for (int k = 0; k < outputs; k++) {
            int target = out.offset(0, k);
            int cls = classOf(k);
            for (int row = 0; row < rows; row++) {
                double share = 0;
                for (int m = 0; m < weights.members(); m++) {
                    double w = weights.effective(m, present, total);
                    if (w > 0 && vote(scores, m, row) == cls) {
                        share += w;
                    }
                }
                result[target + row] = (float) share;
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
        double base = 1.0 / task.classes(outputs);
        int cls = classOf(output);
        List<MemberContribution> members = new ArrayList<>(weights.members());
        double share = 0;
        for (int m = 0; m < weights.members(); m++) {
            if (!present[m]) {
                members.add(new MemberContribution(m, false, Double.NaN, 0, 0));
                continue;
            }
            double w = weights.effective(m, present, total);
            double x = scores.get(m, output, row);
            double contribution = 0;
            if (w > 0) {
                double vote = vote(scores, m, row) == cls ? 1 : 0;
                share += w * vote;
                contribution = w * vote - w * base;
            }
            members.add(new MemberContribution(m, true, x, w, contribution));
        }
        return new Explanation(space(), output, base, share, members);
    }

    @Override
    public String toString() {
        return name + "(" + task + ", " + outputs + " outputs, " + weights.members() + " members)";
    }
}
