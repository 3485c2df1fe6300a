package dev.tutti.combine;

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
 * <p>Named {@code majority-vote} when made by {@link #majority} (equal weights) and
 * {@code weighted-vote} when made with weights, whatever their values, so the name is the one a
 * manifest wrote. The output is a vote share, not a calibrated probability.
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
public final class Voting extends WeightedCombiner {
    /** The default binary threshold: a member votes class 1 when {@code p >= 0.5}. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private final double threshold;

    /**
     * @param task {@link Task#BINARY} or {@link Task#MULTICLASS}
     * @param outputs 1 for binary, K >= 2 for multiclass
     * @param weights nominal weight of each member, finite and {@code >= 0}, at least one positive
     * @param threshold binary only (ignored for multiclass): a member votes class 1 when {@code p >=
     *     threshold}; in {@code [0, 1]}
     */
    public Voting(Task task, int outputs, double[] weights, double threshold) {
        this("weighted-vote", task, outputs, MemberWeights.of(weights), threshold);
    }

    /** Voting with the default threshold 0.5. */
    public Voting(Task task, int outputs, double[] weights) {
        this(task, outputs, weights, DEFAULT_THRESHOLD);
    }

    private Voting(String name, Task task, int outputs, MemberWeights weights, double threshold) {
        Checks.classification(task, outputs, "voting");
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
        super(name, task, outputs, ContributionSpace.VALUE, weights);
    }

    /** Unweighted majority voting with threshold 0.5, named {@code majority-vote}. */
    public static Voting majority(Task task, int members, int outputs) {
        return majority(task, members, outputs, DEFAULT_THRESHOLD);
    }

    /** Unweighted majority voting with a binary vote threshold, named {@code majority-vote}. */
    public static Voting majority(Task task, int members, int outputs, double threshold) {
        return new Voting("majority-vote", task, outputs, MemberWeights.equal(members), threshold);
    }

    /** The binary vote threshold. */
    public double threshold() {
        return threshold;
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
        double total = beginCombine(scores, present, out);
        if (total == 0) {
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

    /** The share of a class under a uniform split: 1/2 for binary, 1/K for multiclass. */
    @Override
    double explanationBase() {
        return 1.0 / task.classes(outputs);
    }

    /** 1 when the member votes for the class of {@code output}, else 0. */
    @Override
    double memberValue(ScoreMatrix scores, int member, int output, int row) {
        return vote(scores, member, row) == classOf(output) ? 1 : 0;
    }

    /**
     * {@code w_m * [vote_m == k] - w_m * b}, as documented: this rounds apart from the default
     * {@code w_m * ([vote_m == k] - b)}.
     */
    @Override
    double contribution(double weight, double value, double base) {
        return weight * value - weight * base;
    }
}
