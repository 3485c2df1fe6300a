package dev.tutti.engine.spi;

/**
 * Implemented by a {@link Member} that can move between runtimes (a GPU member with a CPU twin):
 * where it is scoring now and how often it fell back. The engine and its metrics read it with
 * {@code member instanceof RuntimeStatus}; members that always run on one runtime do not implement it.
 *
 * <p>Threads: read by any thread (metrics, status pages) while the member scores; values are
 * eventually consistent and never block the scoring thread. Allocation: none.
 */
public interface RuntimeStatus {

    /** Name of the runtime that scored (or will score) the current batch, e.g. {@code cuda-ffm}. */
    String activeRuntime();

    /** Whether the fallback (the CPU twin) is serving in place of the primary runtime now. */
    boolean onFallback();

    /** Batches the fallback scored since load. */
    long fallbackBatches();

    /** Times the primary runtime failed (each failure switches to the fallback). */
    long primaryFailures();

    /** Times the primary runtime was brought back after a failure. */
    long recoveries();
}
