package dev.tutti.transport.client;

/** Base of the client's failures: a future fails with one of its subclasses. */
public abstract class TuttiClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TuttiClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
