package dev.tutti.trainer;

import dev.tutti.trainer.plan.MemberRecipe;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What became of one member of the plan. Built on the training thread and handed out once it is
 * done; {@code trainerPredictions} is not copied, so callers must not modify it.
 *
 * @param name the registry name ({@code LIBRARY-ID})
 * @param version the registered version, or 0 when none was written
 * @param format the artifact's format id, or null
 * @param cv out-of-fold metrics over every row (empty unless trained)
 * @param folds the same metrics per fold
 * @param parity the served-parity check of the registered artifact, or null
 * @param trainerPredictions the refit model's own predictions (the training library's) of the
 *     first parity rows of the data, rows x outputs; what the served member must reproduce
 * @param reason why it failed or was skipped; null when trained
 */
public record MemberResult(
        MemberRecipe recipe,
        String name,
        Status status,
        int version,
        String format,
        Map<String, Double> cv,
        List<Map<String, Double>> folds,
        Duration took,
        ParityCheck parity,
        double[] trainerPredictions,
        String reason) {

    /** How a member's training ended. */
    public enum Status {
        TRAINED,
        FAILED,
        SKIPPED
    }

    static MemberResult skipped(MemberRecipe recipe, String name, String reason) {
        return new MemberResult(recipe, name, Status.SKIPPED, 0, null, Map.of(), List.of(), Duration.ZERO, null, null, reason);
    }

    static MemberResult failed(MemberRecipe recipe, String name, Duration took, String reason) {
        return new MemberResult(recipe, name, Status.FAILED, 0, null, Map.of(), List.of(), took, null, null, reason);
    }
}
