package dev.tutti.combine;

/**
 * A Vector API version of a scalar combiner, its {@link #reference}: everything but the batch
 * combination (name, task, weights, {@link #canAnswer}, {@link #explain}) is the reference's, so the
 * two can only differ in {@link #combine}, and there by float rounding (see the tests' bounds).
 *
 * <p>{@link #combine} checks its arguments exactly as the reference does, fills NaN when no member
 * with a positive weight is present, and leaves the rest to {@link #combineRows}.
 *
 * <p>Threads: immutable, shareable, like the reference. Ownership: keeps the reference (immutable).
 * Allocation: {@link #combine} allocates nothing (the subclasses' contract; the tests check it);
 * {@link #explain} allocates its result.
 */
abstract class VectorCombiner implements Combiner {
    final Combiner reference;
    final int members;
    final int outputs;

    VectorCombiner(Combiner reference) {
        this.reference = reference;
        this.members = reference.members();
        this.outputs = reference.outputs();
    }

    @Override
    public final String name() {
        return reference.name();
    }

    @Override
    public final Task task() {
        return reference.task();
    }

    @Override
    public final int members() {
        return members;
    }

    @Override
    public final int outputs() {
        return outputs;
    }

    @Override
    public final ContributionSpace space() {
        return reference.space();
    }

    @Override
    public final double weight(int member) {
        return reference.weight(member);
    }

    @Override
    public final boolean canAnswer(boolean[] present) {
        return reference.canAnswer(present);
    }

    @Override
    public final void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        Checks.combine(this, scores, present, out);
        if (!reference.canAnswer(present)) {
            Checks.fillNaN(out);
            return;
        }
        combineRows(scores, present, features, out);
    }

    /**
     * Combines rows {@code [0, scores.rows())} into {@code out} (arguments checked, row count set,
     * at least one member that can answer present).
     */
    abstract void combineRows(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out);

    /** Sum of the nominal weights of the members present (the renormalisation divisor). */
    final double presentWeight(boolean[] present) {
        double total = 0;
        for (int m = 0; m < members; m++) {
            if (present[m]) {
                total += reference.weight(m);
            }
        }
        return total;
    }

    @Override
    public final Explanation explain(ScoreMatrix scores, boolean[] present, FeatureRows features, int row, int output) {
        return reference.explain(scores, present, features, row, output);
    }

    @Override
    public final String toString() {
        return "simd " + reference;
    }
}
