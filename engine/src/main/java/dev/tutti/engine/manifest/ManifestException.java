package dev.tutti.engine.manifest;

import java.io.IOException;

/**
 * A manifest, schema or model description that cannot be used: malformed JSON, a missing or
 * ill-typed field (the message gives its path, e.g. {@code members[2].sha256}), an artifact whose
 * sha256 does not match its pin, or a file outside the ensemble directory.
 */
public class ManifestException extends IOException {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
