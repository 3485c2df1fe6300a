package dev.tutti.transport.testing;

import dev.tutti.combine.ContributionSpace;
import dev.tutti.combine.Task;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.serving.ServedEnsemble;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A served ensemble whose answers the test controls: every submitted request waits in
 * {@link #submitted()} until the test completes it, so tests can answer in any order. Rows are
 * validated against its schema as the engine does. Binary task, classes {@code no}/{@code yes},
 * members {@code a}, {@code b}; features {@code x} (numeric) and {@code color} (red/green/blue).
 * Explained answers say that each member output x at weight 0.5.
 */
public final class FakeEnsemble implements ServedEnsemble {
    public static final InputSchema SCHEMA = new InputSchema(List.of(FeatureSpec.numeric("x", true),
            FeatureSpec.categorical("color", List.of("red", "green", "blue"), false)));

    private final ModelMetadata metadata;
    private final BlockingQueue<Request> submitted = new LinkedBlockingQueue<>();
    private volatile boolean ready = true;
    private volatile ServiceMetrics metrics;

    public FakeEnsemble(String name, int version) {
        this.metadata = new ModelMetadata(name, version, Task.BINARY, List.of("no", "yes"), List.of("a", "b"), SCHEMA, 64);
    }

    /** One submitted request: its rows, whether it asked for explanations, and the future the test completes. */
    public record Request(float[] rows, int rowCount, int tier, Duration budget, boolean explain, CompletableFuture<ScoreResponse> future) {
        /** Completes with P(yes) = the row's x for every row, both members used; explained when asked. */
        public void answer() {
            future.complete(FakeEnsemble.answer(rows, rowCount, explain));
        }
    }

    /** The answer {@link Request#answer()} gives: value = x of each row. */
    public static ScoreResponse answer(float[] rows, int rowCount) {
        return answer(rows, rowCount, false);
    }

    /**
     * The answer {@link Request#answer()} gives, with explanations when {@code explain}: per row, in
     * value space, base 0, members {@code a} and {@code b} each output x at weight 0.5 and contribute
     * x / 2, consensus 1.
     */
    public static ScoreResponse answer(float[] rows, int rowCount, boolean explain) {
        float[] values = new float[rowCount];
        int[] classes = new int[rowCount];
        float[][] p = new float[rowCount][2];
        float[] confidence = new float[rowCount];
        for (int r = 0; r < rowCount; r++) {
            values[r] = rows[r * 2];
            classes[r] = values[r] >= 0.5f ? 1 : 0;
            p[r][0] = 1 - values[r];
            p[r][1] = values[r];
            confidence[r] = 0.75f;
        }
        List<RowExplanation> explanations = new ArrayList<>();
        for (int r = 0; explain && r < rowCount; r++) {
            double x = values[r];
            RowExplanation.Part part = new RowExplanation.Part("a", true, x, 0.5, x / 2);
            explanations.add(new RowExplanation(r, ContributionSpace.VALUE, 0, 0, x, 1,
                    List.of(part, new RowExplanation.Part("b", true, x, 0.5, x / 2))));
        }
        return new ScoreResponse(values, classes, p, confidence, List.of("a", "b"), List.of(), false, null, explanations);
    }

    public BlockingQueue<Request> submitted() {
        return submitted;
    }

    /** The next submitted request, waiting up to 10 s. */
    public Request next() throws InterruptedException {
        Request r = submitted.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request was submitted within 10 s");
        }
        return r;
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    @Override
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier, boolean explain) {
        return enqueue(rows, rowCount, tier, null, explain);
    }

    @Override
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, Duration budget, boolean explain) {
        return enqueue(rows, rowCount, -1, budget, explain);
    }

    private CompletableFuture<ScoreResponse> enqueue(float[] rows, int rowCount, int tier, Duration budget, boolean explain) {
        float[] copy = java.util.Arrays.copyOf(rows, rowCount * SCHEMA.width());
        for (int r = 0; r < rowCount; r++) {
            float[] row = java.util.Arrays.copyOfRange(copy, r * 2, r * 2 + 2);
            SCHEMA.validateRow(row, r); // throws InvalidInputException, as the engine does
        }
        CompletableFuture<ScoreResponse> f = new CompletableFuture<>();
        submitted.add(new Request(copy, rowCount, tier, budget, explain, f));
        return f;
    }

    public void ready(boolean ready) {
        this.ready = ready;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    /** What {@link #metrics()} reports from now on (none by default). */
    public FakeEnsemble reporting(ServiceMetrics snapshot) {
        this.metrics = snapshot;
        return this;
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }
}
