package dev.tutti.transport.serving;

import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.transport.protocol.ModelMetadata;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One ensemble version as the servers see it: its metadata and the in-process service that scores
 * it ({@link ServiceEnsemble}); tests plug in fakes to control when answers complete.
 *
 * <p>Threads: {@code submit} from any thread (the servers call it on their event loops); futures
 * may complete on any thread. Invalid rows throw {@link dev.tutti.engine.schema.InvalidInputException}
 * synchronously; other failures complete the future with a
 * {@link dev.tutti.engine.serving.RequestFailure}.
 */
public interface ServedEnsemble {
    ModelMetadata metadata();

    /**
     * Scores {@code rowCount} rows (row-major, schema encoding) within latency tier {@code tier}'s
     * budget; with {@code explain} the answer carries one explanation per row
     * ({@link ScoreResponse#explanations()}), else none.
     */
    CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier, boolean explain);

    /** Scores {@code rowCount} rows within {@code budget}, explained when {@code explain}. */
    CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, Duration budget, boolean explain);

    /** Whether it takes requests now. */
    boolean ready();

    /** The engine's counters and latencies, or null when there is no engine behind it. */
    ServiceMetrics metrics();
}
