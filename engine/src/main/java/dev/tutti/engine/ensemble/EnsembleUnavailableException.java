package dev.tutti.engine.ensemble;

/**
 * Too few members answered for the combiner to produce an answer: the request fails with this
 * error (listing each missing member and why) rather than with an invented value.
 */
public final class EnsembleUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnsembleUnavailableException(String message) {
        super(message);
    }
}
