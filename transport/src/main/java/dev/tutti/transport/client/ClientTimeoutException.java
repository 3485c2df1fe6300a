package dev.tutti.transport.client;

/** No answer came within the request's timeout; a late answer is dropped. */
public final class ClientTimeoutException extends TuttiClientException {
    private static final long serialVersionUID = 1L;

    public ClientTimeoutException(String message) {
        super(message, null);
    }
}
