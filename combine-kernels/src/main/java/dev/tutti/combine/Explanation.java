package dev.tutti.combine;

import java.util.List;

/**
 * Why one row got its answer: the combined value of one output as a base value plus the signed
 * contribution of every member, in the combiner's {@link ContributionSpace}.
 *
 * <p>{@code base + sum(members[i].contribution()) == combinedInSpace} up to rounding.
 *
 * @param space where the sum holds
 * @param output the explained output (the predicted class for multiclass, 0 otherwise)
 * @param base the value of the combination when every member sits at its reference point
 * @param combinedInSpace the combined value in {@code space} (before any final link such as sigmoid)
 * @param members one entry per ensemble member, in ensemble order
 */
public record Explanation(
        ContributionSpace space, int output, double base, double combinedInSpace, List<MemberContribution> members) {

    public Explanation {
        members = List.copyOf(members);
    }
}
