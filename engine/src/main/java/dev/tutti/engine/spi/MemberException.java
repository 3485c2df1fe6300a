package dev.tutti.engine.spi;

/** A member could not be loaded or could not score a batch; the message says which member and why. */
public class MemberException extends Exception {
    private static final long serialVersionUID = 1L;

    public MemberException(String message) {
        super(message);
    }

    public MemberException(String message, Throwable cause) {
        super(message, cause);
    }
}
