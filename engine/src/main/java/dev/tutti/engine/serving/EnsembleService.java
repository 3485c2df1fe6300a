package dev.tutti.engine.serving;

import dev.tutti.batching.Batch;
import dev.tutti.batching.BatchHandler;
import dev.tutti.batching.BatchingConfig;
import dev.tutti.batching.MicroBatcher;
import dev.tutti.batching.Submission;
import dev.tutti.engine.ensemble.ConcurrentScorer;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleUnavailableException;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.execution.LatencyRecorder;
import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.spi.Member;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process server: requests of one or many rows go into a Disruptor ring, the micro-batcher
 * groups the rows waiting into batches, every member scores each batch concurrently, and each
 * request's future completes with its rows' answers, flags and missing members, or fails with a
 * {@link RequestFailure} whose code says why. No request is lost or answered twice; a full ring
 * refuses at once ({@link RequestFailure.Code#OVERLOADED}); invalid rows are refused before they are
 * queued ({@link InvalidInputException}, thrown by {@code submit}).
 *
 * <p>Threads: {@code submit} from any thread. Futures complete on the batcher thread: chain heavy
 * work with the {@code ...Async} methods. Ownership: owns the batcher and the scorer's worker threads,
 * not the ensemble. {@link #close} answers every accepted request, then stops. Allocation per request:
 * its answer arrays and future; explanations (when asked for) on the batcher thread.
 */
public final class EnsembleService implements AutoCloseable {
    private final Ensemble ensemble;
    private final ServiceConfig config;
    private final InputSchema schema;
    private final int width;
    private final int classes;
    private final List<String> memberNames;
    private final ConcurrentScorer scorer;
    private final MicroBatcher<PendingRequest> batcher;
    private final Counters counters = new Counters();
    // recorded on the batcher thread only
    private final LatencyRecorder queueWait = LatencyRecorder.singleWriter("queue-wait");
    private final LatencyRecorder batchFormation = LatencyRecorder.singleWriter("batch-formation");
    private final LatencyRecorder endToEnd = LatencyRecorder.singleWriter("end-to-end");

    private EnsembleService(Ensemble ensemble, ServiceConfig config) {
        this.ensemble = ensemble;
        this.config = config;
        this.schema = ensemble.manifest().schema();
        this.width = schema.width();
        this.classes = ensemble.manifest().task().classes(ensemble.manifest().outputs());
        this.memberNames = ensemble.members().stream().map(Member::spec).map(s -> s.name()).toList();
        this.scorer = new ConcurrentScorer(ensemble, config.execution(), config.maxBatchRows());
        this.batcher = new MicroBatcher<>(new BatchingConfig().width(width).ringRows(config.ringRows())
                .maxBatchRows(config.maxBatchRows()).maxRowsPerRequest(config.maxRowsPerRequest())
                .waitStrategy(config.waitStrategy()).threadName("tutti-batcher-" + ensemble.manifest().pin()),
                new Answerer(new Predictions(ensemble, config.maxBatchRows()), config.maxBatchRows()));
    }

    /** Starts serving {@code ensemble}; the caller keeps ownership of the ensemble and closes it after the service. */
    public static EnsembleService start(Ensemble ensemble, ServiceConfig config) {
        EnsembleService service = new EnsembleService(ensemble, config);
        service.batcher.start();
        return service;
    }

    public Ensemble ensemble() {
        return ensemble;
    }

    /** Scores {@code rows} rows (row-major in the schema's encoding) with latency tier {@code tier}'s budget. */
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier) {
        return submit(rows, rowCount, tier, config.execution().budget(tier), false);
    }

    /** Scores {@code rows} rows within {@code budget} from now. */
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, Duration budget) {
        return submit(rows, rowCount, -1, budget, false);
    }

    /**
     * Scores {@code rows} rows with latency tier {@code tier}'s budget; with {@code explain}, the
     * answer carries one {@link dev.tutti.engine.ensemble.RowExplanation} per row
     * ({@link ScoreResponse#explanations()}). Explanations are computed on the batcher thread for the
     * rows of the requests that ask for them only, and cost allocations there; requests without them
     * are answered exactly as by {@link #submit(float[], int, int)}.
     */
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier, boolean explain) {
        return submit(rows, rowCount, tier, config.execution().budget(tier), explain);
    }

    /** Scores {@code rows} rows within {@code budget} from now, explained when {@code explain} (see {@link #submit(float[], int, int, boolean)}). */
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, Duration budget, boolean explain) {
        return submit(rows, rowCount, -1, budget, explain);
    }

    private CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier, Duration budget, boolean explain) {
        if (rowCount < 1 || rowCount > config.maxRowsPerRequest()) {
            counters.refused.increment();
            return CompletableFuture.failedFuture(new RequestFailure(RequestFailure.Code.TOO_MANY_ROWS, "a request carries 1 to "
                    + config.maxRowsPerRequest() + " rows, not " + rowCount));
        }
        if (rows.length < rowCount * width) {
            throw schema.wrongWidth(rows.length / rowCount, 0);
        }
        FloatBuffer view = FloatBuffer.wrap(rows);
        try {
            schema.validate(view, rowCount, 0);
        } catch (InvalidInputException e) {
            counters.invalid.increment();
            throw e;
        }
        long now = System.nanoTime();
        PendingRequest request = new PendingRequest(rowCount, classes, now, explain);
        Submission result = batcher.submit(request, view, 0, rowCount, Math.max(tier, 0), now + budget.toNanos(), now);
        return switch (result) {
            case ACCEPTED -> request.future;
            case OVERLOADED -> {
                counters.overloaded.increment();
                yield CompletableFuture.failedFuture(RequestFailure.OVERLOADED);
            }
            case CLOSED -> {
                counters.refused.increment();
                yield CompletableFuture.failedFuture(RequestFailure.CLOSED);
            }
            case TOO_MANY_ROWS -> throw new IllegalStateException("row count checked above: " + rowCount);
        };
    }

    /** Counters, latencies and member health since start. */
    public ServiceMetrics metrics() {
        List<LatencySummary> latencies = new ArrayList<>();
        latencies.add(queueWait.summary());
        latencies.add(batchFormation.summary());
        latencies.addAll(scorer.latencies());
        latencies.add(endToEnd.summary());
        return new ServiceMetrics(batcher.stats().acceptedRequests(), counters.overloaded.sum(), counters.invalid.sum(), counters.refused.sum(),
                counters.answered.sum(), counters.degraded.sum(), counters.fallback.sum(), counters.deadlineExceeded.sum(),
                counters.unavailable.sum(), counters.internal.sum(), batcher.stats().batches(), batcher.stats().batchedRows(),
                batcher.backlog(), memberNames, scorer.health(), scorer.breakerOpenings(), scorer.memberCounters(), latencies,
                ensemble.members().stream().map(MemberRuntimeUse::of).toList());
    }

    /** Stops accepting, answers every request already accepted, then stops the worker threads. */
    @Override
    public void close() {
        batcher.close();
        scorer.close();
    }

    private static final class Counters {
        final LongAdder overloaded = new LongAdder();
        final LongAdder invalid = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder answered = new LongAdder();
        final LongAdder degraded = new LongAdder();
        final LongAdder fallback = new LongAdder();
        final LongAdder deadlineExceeded = new LongAdder();
        final LongAdder unavailable = new LongAdder();
        final LongAdder internal = new LongAdder();
    }

    /** Answers batches on the batcher thread. */
    private final class Answerer implements BatchHandler<PendingRequest> {
        private final Predictions predictions;
        /** Scratch for one batch's queue waits, then its answered requests' end-to-end latencies. */
        private final long[] latencies;
        /** The requests a batch completes and their answers, held until the batch's metrics are recorded. */
        private final PendingRequest[] completed;
        private final ScoreResponse[] responses;

        Answerer(Predictions predictions, int maxBatchRows) {
            this.predictions = predictions;
            this.latencies = new long[maxBatchRows];
            this.completed = new PendingRequest[maxBatchRows];
            this.responses = new ScoreResponse[maxBatchRows];
        }

        @Override
        public void onBatch(Batch<PendingRequest> batch) {
            long now = System.nanoTime();
            long deadline = Long.MAX_VALUE;
            batchFormation.record(batch.formedNanos() - batch.enqueuedNanos(0));
            for (int i = 0; i < batch.rows(); i++) {
                latencies[i] = batch.formedNanos() - batch.enqueuedNanos(i);
            }
            queueWait.recordAll(latencies, batch.rows());
            for (int i = 0; i < batch.rows(); i++) {
                PendingRequest request = batch.request(i);
                if (request.finished()) {
                    continue;
                }
                if (batch.deadlineNanos(i) - now <= 0) {
                    counters.deadlineExceeded.increment(); // counted before the caller can see the failure
                    request.fail(new RequestFailure(RequestFailure.Code.DEADLINE_EXCEEDED,
                            "the deadline passed after " + (now - request.submittedNanos) / 1_000 + " us in the queue"));
                } else {
                    deadline = Math.min(deadline, batch.deadlineNanos(i));
                }
            }
            if (deadline == Long.MAX_VALUE) {
                return;
            }
            try {
                scorer.score(batch.features(), batch.rows(), deadline, predictions);
            } catch (EnsembleUnavailableException e) {
                failAll(batch, RequestFailure.Code.UNAVAILABLE, e.getMessage(), counters.unavailable);
                return;
            }
            long scored = System.nanoTime(); // end to end: from submission until the request's batch is scored and combined
            int answered = 0;
            for (int i = 0; i < batch.rows(); i++) {
                PendingRequest request = batch.request(i);
                if (request.finished()) {
                    continue;
                }
                if (request.explains()) {
                    request.explained(batch.rowOfRequest(i), scorer.explain(i, batch.rowOfRequest(i), predictions));
                }
                if (request.accept(predictions, i, batch.rowOfRequest(i), batch.sequence(), memberNames)) {
                    ScoreResponse response = request.response(memberNames);
                    if (response.degraded()) {
                        counters.degraded.increment();
                    }
                    if (response.fallback()) {
                        counters.fallback.increment();
                    }
                    latencies[answered] = scored - request.submittedNanos;
                    completed[answered] = request;
                    responses[answered++] = response;
                }
            }
            // recorded and counted before any caller can see its answer (and read the metrics)
            endToEnd.recordAll(latencies, answered);
            counters.answered.add(answered);
            for (int r = 0; r < answered; r++) {
                completed[r].future.complete(responses[r]);
                completed[r] = null;
                responses[r] = null;
            }
        }

        @Override
        public void onBatchFailure(Batch<PendingRequest> batch, Throwable error) {
            failAll(batch, RequestFailure.Code.INTERNAL, "internal error while answering: " + error, counters.internal);
        }

        private void failAll(Batch<PendingRequest> batch, RequestFailure.Code code, String message, LongAdder counter) {
            RequestFailure failure = new RequestFailure(code, message);
            for (int i = 0; i < batch.rows(); i++) {
                PendingRequest request = batch.request(i);
                if (!request.finished()) {
                    counter.increment(); // counted before the caller can see the failure
                    request.fail(failure);
                }
            }
        }
    }
}
