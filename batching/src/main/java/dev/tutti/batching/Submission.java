package dev.tutti.batching;

/**
 * The outcome of {@link MicroBatcher#submit}: a return code, not an exception, because refusals
 * under overload are part of normal operation and must cost nothing.
 */
public enum Submission {
    /** The rows are in the ring; the handler will see them in a batch. */
    ACCEPTED,
    /** Not enough free slots in the ring right now: nothing was queued; retry later or shed. */
    OVERLOADED,
    /** The request has more rows than {@code maxRowsPerRequest} (or none): it can never be accepted. */
    TOO_MANY_ROWS,
    /** The batcher is closed or not started. */
    CLOSED
}
