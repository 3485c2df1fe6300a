package dev.tutti.combine;

/**
 * One member's part in one row's answer.
 *
 * @param member index of the member in the ensemble
 * @param present whether the member answered for this batch
 * @param output the member's score for the explained output (NaN when absent)
 * @param weight the member's effective weight after renormalisation over the members present
 *     (for stacking: its meta-model coefficient)
 * @param contribution signed contribution to the combined value in the explanation's space
 *     (0 when absent, except for stacking, which imputes an absent member: there it is the
 *     contribution of the member's fill values)
 */
public record MemberContribution(int member, boolean present, double output, double weight, double contribution) {}
