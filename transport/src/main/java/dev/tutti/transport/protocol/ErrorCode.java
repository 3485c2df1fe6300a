package dev.tutti.transport.protocol;

/**
 * Why a request failed: the code of an error frame. Codes are stable; a client that meets an unknown
 * code treats it as {@link #INTERNAL}.
 */
public enum ErrorCode {
    /** The frame's body does not match its type's layout (lengths disagree, a field is out of range). */
    MALFORMED_FRAME(1, false),
    /** The header's version is not one this server speaks. */
    UNSUPPORTED_VERSION(2, false),
    /** The header's type is not a request type. */
    UNKNOWN_MESSAGE_TYPE(3, false),
    /** No ensemble of that name, version or alias is served. */
    UNKNOWN_ENSEMBLE(4, false),
    /** A row is invalid (wrong width, unknown category code, missing or infinite value); the error names the row. */
    INVALID_INPUT(5, false),
    /** More rows than the server accepts in one request. */
    TOO_MANY_ROWS(6, false),
    /** The server's queue is full: nothing was queued; retry later. */
    OVERLOADED(7, true),
    /** The request's deadline passed before it was scored. */
    DEADLINE_EXCEEDED(8, true),
    /** No member of the ensemble could answer. */
    UNAVAILABLE(9, true),
    /** The server is shutting down and takes no new requests. */
    SHUTTING_DOWN(10, true),
    /**
     * The request asks for something this server does not do. Servers that serve explanations (this
     * one) no longer send it for {@link Flags#EXPLAIN}; the code stays reserved so codes stay stable.
     */
    UNSUPPORTED(11, false),
    /** The frame is longer than the server's limit; the connection is closed after this error. */
    FRAME_TOO_LARGE(12, false),
    /** The server has as many connections as it accepts; the connection is closed after this error. */
    TOO_MANY_CONNECTIONS(13, true),
    /** A bug in the server. */
    INTERNAL(14, false);

    private static final ErrorCode[] BY_CODE = new ErrorCode[15];

    static {
        for (ErrorCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;
    private final boolean retryable;

    ErrorCode(int code, boolean retryable) {
        this.code = code;
        this.retryable = retryable;
    }

    public int code() {
        return code;
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return retryable;
    }

    /** The code with this number; unknown numbers read as {@link #INTERNAL}. */
    public static ErrorCode of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL;
    }
}
