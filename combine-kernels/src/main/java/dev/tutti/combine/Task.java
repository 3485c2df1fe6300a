package dev.tutti.combine;

/**
 * What an ensemble predicts, which fixes how many outputs each member produces per row and what
 * they mean.
 *
 * <ul>
 *   <li>{@link #BINARY}: one output per row, the probability of the positive class (class 1);
 *   <li>{@link #MULTICLASS}: K outputs per row, the class probabilities (summing to one);
 *   <li>{@link #REGRESSION}: one output per row, the predicted value.
 * </ul>
 */
public enum Task {
    BINARY,
    MULTICLASS,
    REGRESSION;

    /** Outputs per row for a model of this task with {@code classes} classes (ignored unless multiclass). */
    public int outputs(int classes) {
        return this == MULTICLASS ? classes : 1;
    }

    /** Number of classes of the predicted distribution: 2 for binary, K for multiclass, 0 for regression. */
    public int classes(int outputs) {
        return switch (this) {
            case BINARY -> 2;
            case MULTICLASS -> outputs;
            case REGRESSION -> 0;
        };
    }
}
