package dev.tutti.trainer.data;

/**
 * A training run that cannot go on, for a reason a user can fix: a missing target column, a
 * constant target, an unreadable row (with its line number), an impossible option. The message
 * is written for the person at the command line, naming the file, line and column where there is one.
 */
public final class TrainingException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
