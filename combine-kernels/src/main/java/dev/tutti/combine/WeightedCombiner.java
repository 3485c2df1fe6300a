package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

/**
 * What the combiners that renormalise nominal member weights over the members present share: their
 * name, task, output count, contribution space and {@link MemberWeights}; the {@link Combiner}
 * accessors over them; the preamble of {@link #combine} ({@link #beginCombine}); and the whole of
 * {@link #explain}, which asks the subclass only for its maths: the base ({@link #explanationBase}),
 * a present member's value in the contribution space ({@link #memberValue}) and, where it is not
 * {@code w_m (v_m - base)}, its contribution ({@link #contribution}).
 *
 * <p>Explanation, for a subclass: absent members are reported with {@code present = false}, output
 * NaN, weight 0 and contribution 0; a present member with effective weight {@code w_m > 0} and value
 * {@code v_m} adds {@code w_m v_m} to the combined value and contributes
 * {@link #contribution contribution(w_m, v_m, base)}; a present member of weight 0 contributes 0 and
 * its value is not computed. When no member with a positive weight is present the explanation is
 * {@link Checks#unanswerable unanswerable}.
 *
 * <p>The public methods are left non-{@code final} only to keep the public subclasses' documented
 * signatures plain (this class is hidden from their javadoc); subclasses override none of them but
 * {@link #toString}.
 *
 * <p>Threads: immutable after construction and shareable; subclasses must be too. Ownership: keeps
 * the {@link MemberWeights} it is given (immutable, already a copy of the caller's array).
 * Allocation: the accessors and {@link #beginCombine} allocate nothing (except the exception on a bad
 * argument); {@link #explain} allocates its result.
 */
abstract sealed class WeightedCombiner implements Combiner
        permits WeightedAverage, Voting, RankAverage, GeometricMean, LogitAverage {
    private final String name;
    private final ContributionSpace space;
    final Task task;
    final int outputs;
    final MemberWeights weights;

    /**
     * @param name the name written in manifests
     * @param task checked against {@code outputs} ({@link Checks#outputs})
     * @param outputs outputs per row
     * @param space the space of every explanation
     * @param weights the validated nominal weights; their member count is the combiner's
     */
    WeightedCombiner(String name, Task task, int outputs, ContributionSpace space, MemberWeights weights) {
        Checks.outputs(task, outputs);
        this.name = name;
        this.task = task;
        this.outputs = outputs;
        this.space = space;
        this.weights = weights;
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
        return space;
    }

    @Override
    public double weight(int member) {
        return weights.nominal(member);
    }

    @Override
    public boolean canAnswer(boolean[] present) {
        return weights.canAnswer(present);
    }

    /**
     * The preamble of {@link #combine}: checks the arguments, sets the row count of {@code out} and
     * returns the total nominal weight of the members present (the divisor of
     * {@link MemberWeights#effective}). When that total is not positive, no member with a positive
     * weight is present: it fills {@code out} with NaN and returns 0, and the caller returns at once.
     * Allocation: none.
     */
    final double beginCombine(ScoreMatrix scores, boolean[] present, ScoreMatrix out) {
        Checks.combine(this, scores, present, out);
        double total = weights.total(present);
        if (!(total > 0)) {
            Checks.fillNaN(out);
            return 0;
        }
        return total;
    }

    /**
     * The explanation's base: the combined value in {@link #space()} when every member sits at its
     * reference point. 0 unless overridden.
     */
    double explanationBase() {
        return 0;
    }

    /**
     * Present member {@code member}'s value in {@link #space()} for {@code output} at {@code row}
     * (its score, vote, percentile, logit...), before weighting: the combined value is the sum of
     * {@code w_m} times this over the present members of positive weight.
     */
    abstract double memberValue(ScoreMatrix scores, int member, int output, int row);

    /**
     * A present member's contribution, given its effective weight ({@code > 0}), its
     * {@link #memberValue} and the base. Overridden only where a subclass documents another rounding.
     */
    double contribution(double weight, double value, double base) {
        return weight * (value - base);
    }

    @Override
    public Explanation explain(
            ScoreMatrix scores, boolean[] present, FeatureRows features, int row, int output) {
        Checks.explain(this, scores, present, row, output);
        double total = weights.total(present);
        if (!(total > 0)) {
            return Checks.unanswerable(space, scores, present, row, output);
        }
        double base = explanationBase();
        List<MemberContribution> members = new ArrayList<>(weights.members());
        double combined = 0;
        for (int m = 0; m < weights.members(); m++) {
            if (!present[m]) {
                members.add(new MemberContribution(m, false, Double.NaN, 0, 0));
                continue;
            }
            double w = weights.effective(m, present, total);
            double contribution = 0;
            if (w > 0) {
                double value = memberValue(scores, m, output, row);
                combined += w * value;
                contribution = contribution(w, value, base);
            }
            members.add(new MemberContribution(m, true, scores.get(m, output, row), w, contribution));
        }
        return new Explanation(space, output, base, combined, members);
    }

    @Override
    public String toString() {
        return name + "(" + task + ", " + outputs + " outputs, " + weights.members() + " members)";
    }
}
