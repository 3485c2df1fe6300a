package dev.tutti.trainer.family;

import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.plan.MemberRecipe;

/**
 * A kind of member (XGBoost trees, LightGBM trees, linear models, MLPs): fits a model of its kind on
 * some rows with a recipe's hyper-parameters. Families are stateless; every fit is single-threaded
 * and deterministic for a seed.
 */
public interface MemberFamily {

    /** The family name recipes use. */
    String name();

    /**
     * Fits a model on {@code rows} of {@code data}.
     *
     * @param seed the member's seed (the same for every fold and the refit)
     * @throws TrainingException when the library refuses the data or the parameters
     */
    FittedModel fit(Dataset data, int[] rows, MemberRecipe recipe, long seed) throws TrainingException;
}
