package dev.tutti.engine.ensemble;

import dev.tutti.combine.ContributionSpace;
import java.util.List;

/**
 * Why one row got its answer: {@code base + sum(members.contribution) = combinedInSpace} in
 * {@code space} (see {@link ContributionSpace}), for the explained output (the predicted class of a
 * multiclass ensemble, output 0 otherwise), plus the consensus: the weighted share of members that
 * predicted the ensemble's class (for regression, the row's agreement).
 */
public record RowExplanation(
        int row, ContributionSpace space, int output, double base, double combinedInSpace, double consensus, List<Part> members) {

    public RowExplanation {
        members = List.copyOf(members);
    }

    /**
     * One member's part.
     *
     * @param member member name
     * @param present whether it answered for this batch
     * @param output its score for the explained output (NaN when absent)
     * @param weight its effective weight (renormalised over the members present; for stacking its coefficient)
     * @param contribution its signed contribution in {@code space}
     */
    public record Part(String member, boolean present, double output, double weight, double contribution) {}
}
