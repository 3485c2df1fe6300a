package dev.tutti.engine.schema;

/**
 * A request row that cannot be scored: wrong width, an unknown category, a missing or non-finite
 * value where none is allowed, text that is not a number. The message names the feature (or the
 * limit) and the row, so a caller can fix the input without reading code.
 *
 * <p>Thrown at the edge of the engine, before any member runs: nothing of the request was scored.
 */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Why an input was refused; stable names for error codes and metrics. */
    public enum Reason {
        WRONG_WIDTH,
        UNKNOWN_FEATURE,
        MISSING_FEATURE,
        UNKNOWN_CATEGORY,
        MISSING_NOT_ALLOWED,
        NOT_FINITE,
        NOT_A_NUMBER,
        NOT_A_CODE,
        TOO_MANY_ROWS
    }

    private final Reason reason;
    private final String feature;
    private final int row;

    public InvalidInputException(Reason reason, String feature, int row, String message) {
        super(message);
        this.reason = reason;
        this.feature = feature;
        this.row = row;
    }

    public Reason reason() {
        return reason;
    }

    /** The feature at fault, or null when the fault is not one feature's (for example the row width). */
    public String feature() {
        return feature;
    }

    /** Index of the offending row in the request (0-based), or -1 when not about one row. */
    public int row() {
        return row;
    }
}
