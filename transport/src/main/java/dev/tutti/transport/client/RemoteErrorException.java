package dev.tutti.transport.client;

import dev.tutti.transport.protocol.ErrorCode;

/**
 * The server answered with an error frame: its code (with {@link ErrorCode#retryable()}), the
 * offending row when the error is about one, and the server's message.
 */
public final class RemoteErrorException extends TuttiClientException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final int row;

    public RemoteErrorException(ErrorCode code, int row, String message) {
        super(code + (row >= 0 ? " (row " + row + ")" : "") + ": " + message, null);
        this.code = code;
        this.row = row;
    }

    public ErrorCode code() {
        return code;
    }

    /** The offending row of the request, or -1. */
    public int row() {
        return row;
    }
}
