package dev.tutti.transport.serving;

import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.serving.RequestFailure;
import dev.tutti.transport.protocol.ErrorCode;
import java.util.concurrent.CompletionException;

/**
 * Why a request failed, in the protocol's terms: the code both servers report (the binary error
 * frame's code; HTTP maps it to a status), the message and the offending row.
 *
 * @param row the offending row of the request, or -1
 */
public record Failure(ErrorCode code, String message, int row) {

    public static Failure of(ErrorCode code, String message) {
        return new Failure(code, message, -1);
    }

    /** Maps what the engine threw or failed a future with. */
    public static Failure of(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof InvalidInputException invalid) {
            return new Failure(invalid.reason() == InvalidInputException.Reason.TOO_MANY_ROWS ? ErrorCode.TOO_MANY_ROWS : ErrorCode.INVALID_INPUT,
                    invalid.getMessage(), invalid.row());
        }
        if (e instanceof RequestFailure failure) {
            ErrorCode code = switch (failure.code()) {
                case OVERLOADED -> ErrorCode.OVERLOADED;
                case TOO_MANY_ROWS -> ErrorCode.TOO_MANY_ROWS;
                case CLOSED -> ErrorCode.SHUTTING_DOWN;
                case DEADLINE_EXCEEDED -> ErrorCode.DEADLINE_EXCEEDED;
                case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
                case INTERNAL -> ErrorCode.INTERNAL;
            };
            return of(code, failure.getMessage());
        }
        return of(ErrorCode.INTERNAL, "internal error: " + e);
    }
}
