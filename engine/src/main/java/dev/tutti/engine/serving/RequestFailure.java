package dev.tutti.engine.serving;

/**
 * Why a request got no answer. A future completed with this exception carries a stable
 * {@link Code} for error replies and metrics. Instances for overload are shared and stackless:
 * refusing under load must cost nothing.
 */
public final class RequestFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable failure codes. */
    public enum Code {
        /** The ring is full: nothing was queued; retry later. */
        OVERLOADED,
        /** More rows than the service accepts in one request. */
        TOO_MANY_ROWS,
        /** The service is closed or closing. */
        CLOSED,
        /** The deadline passed before the request could be scored. */
        DEADLINE_EXCEEDED,
        /** No member answered. */
        UNAVAILABLE,
        /** A bug: an unexpected error while answering. */
        INTERNAL
    }

    static final RequestFailure OVERLOADED = new RequestFailure(Code.OVERLOADED, "overloaded: the request queue is full; retry later", false);
    static final RequestFailure CLOSED = new RequestFailure(Code.CLOSED, "the service is closed", false);

    private final Code code;

    RequestFailure(Code code, String message) {
        this(code, message, true);
    }

    private RequestFailure(Code code, String message, boolean stackTrace) {
        super(message, null, false, stackTrace);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
