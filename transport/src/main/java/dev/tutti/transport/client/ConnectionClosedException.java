package dev.tutti.transport.client;

/** The connection closed (or could not be opened) before the answer came. */
public final class ConnectionClosedException extends TuttiClientException {
    private static final long serialVersionUID = 1L;

    public ConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
