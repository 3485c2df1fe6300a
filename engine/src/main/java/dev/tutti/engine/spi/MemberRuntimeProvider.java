package dev.tutti.engine.spi;

import java.util.Optional;
import java.util.Set;

/**
 * A runtime that loads members of some formats, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.tutti.engine.spi.MemberRuntimeProvider}). For each member the
 * engine asks every provider that handles its format, highest {@link #rank()} first, and uses the
 * first that is {@linkplain #unavailableReason available}; the reason each higher-ranked provider
 * was skipped is logged.
 *
 * <p>Threads: providers are stateless or thread-safe; {@link #load} may be called concurrently.
 */
public interface MemberRuntimeProvider {

    /** Short name for logs, e.g. {@code onnxruntime-cpu}. */
    String name();

    /** Higher ranks are tried first (GPU runtimes rank above CPU ones). */
    int rank();

    /** The {@link ModelSpec#format()} ids this runtime loads. */
    Set<String> formats();

    /**
     * Why this runtime cannot load {@code spec} here (no device, native library missing, an
     * unsupported option), or empty when it can. Must be cheap and must not throw.
     */
    Optional<String> unavailableReason(ModelSpec spec);

    /** Loads the member; the caller owns and closes it. */
    Member load(ModelSpec spec) throws MemberException;
}
