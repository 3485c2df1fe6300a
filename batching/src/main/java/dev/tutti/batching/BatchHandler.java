package dev.tutti.batching;

/**
 * Receives the batches a {@link MicroBatcher} forms, on the batcher thread. While it works on a
 * batch, new rows accumulate in the ring, so the next batch is larger: batch size follows load by
 * itself, and no row ever waits for a timer.
 *
 * <p>Ownership: a {@link Batch} and its feature buffer are valid only during the call; the slots go
 * back to producers when it returns. Every request of the batch must be answered (or failed) by the
 * handler: the batcher never drops one.
 *
 * @param <R> the caller's per-request handle (a reply target); opaque to the batcher
 */
public interface BatchHandler<R> {

    /** Scores the batch and answers its requests. */
    void onBatch(Batch<R> batch);

    /**
     * Called when {@link #onBatch} threw: the handler must fail every request of the batch that it
     * has not answered yet. If this throws too, the error is reported to the uncaught-exception
     * handler and the batcher keeps running.
     */
    void onBatchFailure(Batch<R> batch, Throwable error);
}
