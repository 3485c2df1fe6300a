package dev.tutti.trainer;

import dev.tutti.combine.Task;
import dev.tutti.trainer.plan.MemberRecipe;
import dev.tutti.trainer.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything one {@code tutti train} run needs, validated once by the constructor. Immutable (the
 * lists are copied); read by the training thread only.
 *
 * @param data the CSV file (a header line, then one row per example)
 * @param target the target column's name
 * @param registry the registry directory (created when absent)
 * @param library the library's name; members are registered as {@code LIBRARY-MEMBERID}
 * @param task the task, or null to infer it from the target
 * @param folds k of the k-fold cross-validation (2 or more)
 * @param seed the run's seed: folds, member seeds, batch orders
 * @param plan the members to train, in order
 * @param timeBudget wall-clock budget for the whole run, or null for none: a member is started only
 *     while its estimated time fits in what is left; the ones not started are reported as skipped
 * @param ignored columns to leave out of the features
 * @param parityRows how many training rows each member is checked on through its serving runtime
 */
public record TrainingConfig(
        Path data,
        String target,
        Path registry,
        String library,
        Task task,
        int folds,
        long seed,
        List<MemberRecipe> plan,
        Duration timeBudget,
        List<String> ignored,
        int parityRows) {

    public static final int DEFAULT_PARITY_ROWS = 256;

    public TrainingConfig {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(registry, "registry");
        plan = List.copyOf(plan);
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
        if (!ModelRegistry.isValidName(library)) {
            throw new IllegalArgumentException("--library '" + library + "': use letters, digits, '.', '-' and '_' (not starting with '.' or '-')");
        }
        if (folds < 2) {
            throw new IllegalArgumentException("--folds must be 2 or more, not " + folds);
        }
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("the plan has no members");
        }
        if (new HashSet<>(plan.stream().map(MemberRecipe::id).toList()).size() != plan.size()) {
            throw new IllegalArgumentException("the plan names a member twice");
        }
        if (timeBudget != null && timeBudget.isNegative()) {
            throw new IllegalArgumentException("--time-budget must not be negative");
        }
        if (parityRows < 0) {
            throw new IllegalArgumentException("parityRows must not be negative");
        }
        if (ignored.contains(target)) {
            throw new IllegalArgumentException("--ignore names the target column '" + target + "'");
        }
    }

    /** The registry name of a member of this library. */
    public String memberName(MemberRecipe recipe) {
        return library + "-" + recipe.id();
    }
}
