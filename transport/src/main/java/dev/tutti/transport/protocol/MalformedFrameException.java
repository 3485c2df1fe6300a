package dev.tutti.transport.protocol;

/**
 * A frame's body does not match its type's layout. The frame's length was valid, so the stream is
 * still in step: the server answers {@link ErrorCode#MALFORMED_FRAME} and reads on.
 */
public final class MalformedFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
