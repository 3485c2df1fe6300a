package dev.tutti.cpu.tree.model;

/**
 * A tree-model file is malformed or uses a feature this evaluator does not support. The message
 * names the offending field (for example {@code learner.objective.name} or {@code Tree=3
 * decision_type}) and what was wrong; the provider adds the member and the file name.
 */
public final class TreeModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public TreeModelException(String message) {
        super(message);
    }

    public TreeModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
