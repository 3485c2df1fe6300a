package dev.tutti.engine.serving;

import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One request between submission and its answer: the rows' answers as they arrive (a request may
 * span two batches) and the future to complete.
 *
 * <p>Threads: made by the submitting thread before it is published to the ring, then used only by
 * the batcher thread. Allocation: the request and its future at submission; the answer's arrays on
 * the batcher thread when its first row is answered (the explanations array only when explanations
 * were asked for).
 */
final class PendingRequest {
    final CompletableFuture<ScoreResponse> future = new CompletableFuture<>();
    final long submittedNanos;
    private final int rows;
    private final int classes;
    private final boolean explain;
    // the answer's arrays, made by the batcher thread when the first row is answered: allocated in
    // the thread that fills them, they cost the submitting thread nothing and no cache line moves
    // between cores until the caller reads the answer
    private float[] values;
    private int[] predicted;
    private float[][] probabilities;
    private float[] confidence;
    private RowExplanation[] explanations; // null unless asked for
    private Map<String, String> missing; // made on the first missing member
    private String fallback;
    private long lastBatch = -1;
    private int answered;
    private boolean finished;

    PendingRequest(int rows, int classes, long submittedNanos, boolean explain) {
        this.rows = rows;
        this.classes = classes;
        this.explain = explain;
        this.submittedNanos = submittedNanos;
    }

    /** Makes the answer's arrays on the first call (on the batcher thread). */
    private void ensureAnswer() {
        if (values != null) {
            return;
        }
        values = new float[rows];
        predicted = new int[rows];
        probabilities = new float[rows][];
        for (int r = 0; r < rows; r++) { // one array per row: C2 allocates these inline, a two-dimensional new is a runtime call
            probabilities[r] = new float[classes];
        }
        confidence = new float[rows];
        explanations = explain ? new RowExplanation[rows] : null;
    }

    boolean finished() {
        return finished;
    }

    /** Whether the request asked for explanations. */
    boolean explains() {
        return explain;
    }

    /** Keeps the explanation of this request's row {@code row} (call before {@link #accept} takes that row). */
    void explained(int row, RowExplanation explanation) {
        ensureAnswer();
        explanations[row] = explanation;
    }

    /** Takes row {@code i} of a scored batch as this request's row {@code row}; true when that completes the request. */
    boolean accept(Predictions p, int i, int row, long batchSequence, List<String> memberNames) {
        ensureAnswer();
        if (batchSequence != lastBatch) {
            lastBatch = batchSequence;
            for (int m = 0; m < memberNames.size(); m++) {
                if (!p.memberPresent(m)) {
                    if (missing == null) {
                        missing = new LinkedHashMap<>();
                    }
                    missing.putIfAbsent(memberNames.get(m), p.memberError(m));
                }
            }
            if (p.fallback() && fallback == null) {
                fallback = p.fallbackMember();
            }
        }
        values[row] = p.value(i);
        predicted[row] = p.predictedClass(i);
        for (int k = 0; k < classes; k++) {
            probabilities[row][k] = p.probability(i, k);
        }
        confidence[row] = p.confidence(i);
        return ++answered == rows;
    }

    /** The answer; {@code memberNames} must be immutable (it is shared by every complete answer). */
    ScoreResponse response(List<String> memberNames) {
        finished = true;
        List<RowExplanation> explained = explanations == null ? List.of() : Arrays.asList(explanations);
        if (missing == null) {
            return new ScoreResponse(values, predicted, probabilities, confidence, memberNames, List.of(), false, fallback, explained);
        }
        List<String> used = memberNames.stream().filter(n -> !missing.containsKey(n)).toList();
        List<String> gone = missing.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
        return new ScoreResponse(values, predicted, probabilities, confidence, used, gone, true, fallback, explained);
    }

    /** Fails the request unless it was already answered or failed. */
    void fail(RequestFailure failure) {
        if (!finished) {
            finished = true;
            future.completeExceptionally(failure);
        }
    }
}
