package dev.tutti.trainer;

import dev.tutti.trainer.plan.MemberRecipe;
import java.time.Duration;
import java.util.List;

/**
 * What a training run reports as it goes, for a progress display. Called on the training thread,
 * in order; implementations must be quick (no I/O that can block for long). Every method has an
 * empty default.
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** The data is read and the run is about to train {@code plan}, each with {@code folds} fits plus a refit. */
    default void started(List<MemberRecipe> plan, int folds, int rows) {}

    /** Member {@code index} (0-based) of the plan begins. */
    default void memberStarted(int index, MemberRecipe recipe) {}

    /**
     * One fit of the member ended: {@code fit} is 0 .. folds - 1 for the cross-validation folds and
     * {@code folds} for the refit on all rows.
     */
    default void fitFinished(int index, MemberRecipe recipe, int fit, Duration took) {}

    /**
     * The member is done: trained and registered, failed, or skipped (not started for the time
     * budget or a cancellation, or dropped by a cancellation before it was registered).
     */
    default void memberFinished(int index, MemberResult result) {}
}
