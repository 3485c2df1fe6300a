package dev.tutti.transport.client;

import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ModelMetadata;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;

/**
 * One request from the time it is made until its answer, error or timeout completes its future.
 * Made on the caller's thread; after it is queued, touched only on the connection's event loop.
 */
abstract sealed class Call<T> permits Call.Score, Call.Metadata {
    final long correlationId;
    final EnsembleRef ensemble;
    final long deadlineNanos;
    final CompletableFuture<T> future = new CompletableFuture<>();
    ScheduledFuture<?> timeout;

    Call(long correlationId, EnsembleRef ensemble, long deadlineNanos) {
        this.correlationId = correlationId;
        this.ensemble = ensemble;
        this.deadlineNanos = deadlineNanos;
    }

    /** Fails the call unless it already completed; cancels its timer. */
    void fail(Throwable error) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        future.completeExceptionally(error);
    }

    /** A score request; the rows are read when it is encoded (the caller must not change them until then). */
    static final class Score extends Call<ScoreResult> {
        final float[] rows;
        final int rowCount;
        final int featureCount;
        final ScoreOptions options;

        Score(long id, EnsembleRef ensemble, long deadlineNanos, float[] rows, int rowCount, int featureCount, ScoreOptions options) {
            super(id, ensemble, deadlineNanos);
            this.rows = rows;
            this.rowCount = rowCount;
            this.featureCount = featureCount;
            this.options = options;
        }
    }

    /** A metadata request. */
    static final class Metadata extends Call<ModelMetadata> {
        Metadata(long id, EnsembleRef ensemble, long deadlineNanos) {
            super(id, ensemble, deadlineNanos);
        }
    }
}
