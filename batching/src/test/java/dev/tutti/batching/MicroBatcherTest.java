package dev.tutti.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MicroBatcherTest {
    private static final int WIDTH = 3;

    /** A request: its id and the rows its handler saw, by row index. */
    private static final class Request {
        final int id;
        final int rows;
        final float[][] seen;
        final AtomicInteger deliveries = new AtomicInteger();

        Request(int id, int rows) {
            this.id = id;
            this.rows = rows;
            this.seen = new float[rows][];
        }
    }

    /** Row r of request id: values that identify it. */
    private static float[] rowsOf(int id, int rows) {
        float[] values = new float[rows * WIDTH];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < WIDTH; c++) {
                values[r * WIDTH + c] = id * 1000 + r * 10 + c;
            }
        }
        return values;
    }

    /** Records what each batch delivered, checking the batch's own invariants as it goes. */
    private static final class Recorder implements BatchHandler<Request> {
        final List<Integer> batchSizes = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        final CountDownLatch gate;
        final AtomicInteger rowsSeen = new AtomicInteger();
        /** When set, a batch smaller than this must end with the last row of a request. */
        int cap;

        Recorder(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void onBatch(Batch<Request> batch) {
            await(gate);
            batchSizes.add(batch.rows());
            for (int i = 0; i < batch.rows(); i++) {
                Request request = batch.request(i);
                int row = batch.rowOfRequest(i);
                float[] values = new float[WIDTH];
                batch.features().get(i * WIDTH, values);
                if (request.seen[row] != null) {
                    violations.add("request " + request.id + " row " + row + " delivered twice");
                }
                request.seen[row] = values;
                if (i > 0 && batch.request(i - 1) == request && batch.rowOfRequest(i - 1) != row - 1) {
                    violations.add("request " + request.id + " rows out of order in a batch");
                }
                if (batch.rowsOfRequest(i) != request.rows) {
                    violations.add("request " + request.id + " row count " + batch.rowsOfRequest(i));
                }
                if (row == request.rows - 1) {
                    request.deliveries.incrementAndGet();
                }
                rowsSeen.incrementAndGet();
            }
            int last = batch.rows() - 1;
            if (batch.rows() < cap && batch.rowOfRequest(last) != batch.rowsOfRequest(last) - 1) {
                violations.add("a batch of " + batch.rows() + " rows, below the cap, ends inside request " + batch.request(last).id);
            }
        }

        @Override
        public void onBatchFailure(Batch<Request> batch, Throwable error) {
            violations.add("handler failed: " + error);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("gate opened").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static MicroBatcher<Request> batcher(int ringRows, int maxBatch, BatchHandler<Request> handler, WaitStrategyKind wait) {
        return new MicroBatcher<>(new BatchingConfig().width(WIDTH).ringRows(ringRows).maxBatchRows(maxBatch).waitStrategy(wait)
                .threadName("test-batcher"), handler).start();
    }

    @ParameterizedTest
    @EnumSource(value = WaitStrategyKind.class, names = {"BLOCKING", "LITE_BLOCKING", "SLEEPING"})
    void shouldDeliverEveryRowOfEveryRequestExactlyOnceWithManyProducers(WaitStrategyKind wait) throws Exception {
        Recorder recorder = new Recorder(new CountDownLatch(0));
        recorder.cap = 16;
        int producers = 4;
        int perProducer = 1500;
        Map<Integer, Request> requests = new ConcurrentHashMap<>();
        AtomicInteger overloads = new AtomicInteger();
        // a small ring so that batches wrap around its end and producers meet a full ring
        try (MicroBatcher<Request> batcher = batcher(64, 16, recorder, wait)) {
            CyclicBarrier start = new CyclicBarrier(producers);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int n = 0; n < perProducer; n++) {
                        int id = producer * perProducer + n;
                        int rows = 1 + id % 7;
                        Request request = new Request(id, rows);
                        requests.put(id, request);
                        Submission result;
                        while ((result = batcher.submit(request, rowsOf(id, rows), 0, rows, 0, Long.MAX_VALUE)) == Submission.OVERLOADED) {
                            overloads.incrementAndGet();
                            Thread.onSpinWait();
                        }
                        assertThat(result).isEqualTo(Submission.ACCEPTED);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(recorder.violations).isEmpty();
        assertThat(requests).hasSize(producers * perProducer);
        for (Request request : requests.values()) {
            assertThat(request.deliveries.get()).as("request %d completed once", request.id).isEqualTo(1);
            float[] expected = rowsOf(request.id, request.rows);
            for (int r = 0; r < request.rows; r++) {
                assertThat(request.seen[r]).as("request %d row %d", request.id, r)
                        .containsExactly(java.util.Arrays.copyOfRange(expected, r * WIDTH, (r + 1) * WIDTH));
            }
        }
        assertThat(recorder.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 16));
    }

    @Test
    void shouldRefuseAtOnceWhenTheRingIsFullAndServeEverythingAcceptedAfterwards() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Recorder recorder = new Recorder(gate);
        List<Request> accepted = new ArrayList<>();
        try (MicroBatcher<Request> batcher = batcher(16, 4, recorder, WaitStrategyKind.BLOCKING)) {
            int overloaded = 0;
            for (int id = 0; id < 40; id++) {
                Request request = new Request(id, 1);
                Submission result = batcher.submit(request, rowsOf(id, 1), 0, 1, 0, Long.MAX_VALUE);
                if (result == Submission.ACCEPTED) {
                    accepted.add(request);
                } else {
                    assertThat(result).isEqualTo(Submission.OVERLOADED);
                    overloaded++;
                }
            }
            // the handler holds the first batch (at most 4 rows); the ring holds 16 more
            assertThat(accepted.size()).isBetween(16, 20);
            assertThat(overloaded).isEqualTo(40 - accepted.size());
            assertThat(batcher.stats().overloaded()).isEqualTo(overloaded);
            assertThat(batcher.backlog()).isLessThanOrEqualTo(16);
            gate.countDown();
        }
        assertThat(recorder.violations).isEmpty();
        assertThat(accepted).allSatisfy(r -> assertThat(r.deliveries.get()).isEqualTo(1));
    }

    @Test
    void shouldHandOverTheEnqueueTimeTheProducerGaveAndStampTheOthers() throws Exception {
        List<Long> enqueued = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        BatchHandler<Request> handler = new BatchHandler<>() {
            @Override
            public void onBatch(Batch<Request> batch) {
                for (int i = 0; i < batch.rows(); i++) {
                    enqueued.add(batch.enqueuedNanos(i));
                    done.countDown();
                }
            }

            @Override
            public void onBatchFailure(Batch<Request> batch, Throwable error) {}
        };
        long before = System.nanoTime();
        try (MicroBatcher<Request> batcher = batcher(64, 8, handler, WaitStrategyKind.BLOCKING)) {
            java.nio.FloatBuffer rows = java.nio.FloatBuffer.wrap(rowsOf(1, 2));
            assertThat(batcher.submit(new Request(1, 2), rows, 0, 2, 0, Long.MAX_VALUE, 42L)).isEqualTo(Submission.ACCEPTED);
            batcher.submit(new Request(2, 1), rowsOf(2, 1), 0, 1, 0, Long.MAX_VALUE);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(enqueued).hasSize(3);
        assertThat(enqueued.subList(0, 2)).containsOnly(42L);
        assertThat(enqueued.get(2)).isGreaterThanOrEqualTo(before);
    }

    @Test
    void shouldGrowTheNextBatchWithRowsThatArriveWhileOneIsBeingHandled() throws Exception {
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> sizes = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(11);
        BatchHandler<Request> handler = new BatchHandler<>() {
            @Override
            public void onBatch(Batch<Request> batch) {
                firstBatchStarted.countDown();
                await(release);
                sizes.add(batch.rows());
                for (int i = 0; i < batch.rows(); i++) {
                    done.countDown();
                }
            }

            @Override
            public void onBatchFailure(Batch<Request> batch, Throwable error) {}
        };
        try (MicroBatcher<Request> batcher = batcher(64, 8, handler, WaitStrategyKind.BLOCKING)) {
            batcher.submit(new Request(0, 1), rowsOf(0, 1), 0, 1, 0, Long.MAX_VALUE);
            await(firstBatchStarted);
            for (int id = 1; id <= 10; id++) {
                batcher.submit(new Request(id, 1), rowsOf(id, 1), 0, 1, 0, Long.MAX_VALUE);
            }
            release.countDown();
            await(done);
        }
        // one lone row was handled at once (no timer); the ten that queued behind it came as 8 + 2
        assertThat(sizes).containsExactly(1, 8, 2);
    }

    @Test
    void shouldKeepABatchContiguousWhenItWrapsPastTheEndOfTheRing() throws Exception {
        Recorder recorder = new Recorder(new CountDownLatch(0));
        Request first = new Request(0, 5);
        Request wrapping = new Request(1, 6);
        try (MicroBatcher<Request> batcher = batcher(8, 8, recorder, WaitStrategyKind.BLOCKING)) {
            assertThat(batcher.submit(first, rowsOf(0, 5), 0, 5, 0, Long.MAX_VALUE)).isEqualTo(Submission.ACCEPTED);
            while (batcher.stats().batchedRows() < 5) {
                Thread.onSpinWait();
            }
            // slots 5, 6, 7, 0, 1, 2: published together, handed over as one batch made contiguous
            assertThat(batcher.submit(wrapping, rowsOf(1, 6), 0, 6, 0, Long.MAX_VALUE)).isEqualTo(Submission.ACCEPTED);
        }
        assertThat(recorder.violations).isEmpty();
        for (Request request : List.of(first, wrapping)) {
            float[] expected = rowsOf(request.id, request.rows);
            for (int r = 0; r < request.rows; r++) {
                assertThat(request.seen[r]).containsExactly(java.util.Arrays.copyOfRange(expected, r * WIDTH, (r + 1) * WIDTH));
            }
        }
    }

    @Test
    void shouldRefuseRequestsThatCanNeverFitOrComeWhenClosed() {
        Recorder recorder = new Recorder(new CountDownLatch(0));
        MicroBatcher<Request> notStarted = new MicroBatcher<>(new BatchingConfig().width(WIDTH).ringRows(16).maxBatchRows(4)
                .maxRowsPerRequest(8), recorder);
        assertThat(notStarted.submit(new Request(0, 1), rowsOf(0, 1), 0, 1, 0, 0)).isEqualTo(Submission.CLOSED);
        notStarted.start();
        assertThat(notStarted.submit(new Request(0, 9), rowsOf(0, 9), 0, 9, 0, 0)).isEqualTo(Submission.TOO_MANY_ROWS);
        assertThat(notStarted.submit(new Request(0, 0), new float[0], 0, 0, 0, 0)).isEqualTo(Submission.TOO_MANY_ROWS);
        notStarted.close();
        notStarted.close();
        assertThat(notStarted.submit(new Request(1, 1), rowsOf(1, 1), 0, 1, 0, 0)).isEqualTo(Submission.CLOSED);
        assertThat(notStarted.stats().refused()).isEqualTo(4);
    }

    @Test
    void shouldHandEveryAcceptedRowOverBeforeCloseReturns() {
        Recorder recorder = new Recorder(new CountDownLatch(0));
        List<Request> requests = new ArrayList<>();
        MicroBatcher<Request> batcher = batcher(1024, 32, recorder, WaitStrategyKind.BLOCKING);
        for (int id = 0; id < 300; id++) {
            Request request = new Request(id, 3);
            requests.add(request);
            assertThat(batcher.submit(request, rowsOf(id, 3), 0, 3, 0, 0)).isEqualTo(Submission.ACCEPTED);
        }
        batcher.close();
        assertThat(requests).allSatisfy(r -> assertThat(r.deliveries.get()).isEqualTo(1));
        assertThat(batcher.stats().batchedRows()).isEqualTo(900);
    }

    @Test
    void shouldReportAFailingHandlerAndKeepServing() throws Exception {
        List<Integer> failed = new ArrayList<>();
        CountDownLatch served = new CountDownLatch(1);
        BatchHandler<Request> handler = new BatchHandler<>() {
            @Override
            public void onBatch(Batch<Request> batch) {
                if (batch.request(0).id == 0) {
                    throw new IllegalStateException("boom");
                }
                served.countDown();
            }

            @Override
            public void onBatchFailure(Batch<Request> batch, Throwable error) {
                assertThat(error).hasMessage("boom");
                for (int i = 0; i < batch.rows(); i++) {
                    failed.add(batch.request(i).id);
                }
            }
        };
        try (MicroBatcher<Request> batcher = batcher(16, 4, handler, WaitStrategyKind.BLOCKING)) {
            batcher.submit(new Request(0, 2), rowsOf(0, 2), 0, 2, 0, 0);
            while (batcher.backlog() > 0) {
                Thread.onSpinWait();
            }
            batcher.submit(new Request(1, 1), rowsOf(1, 1), 0, 1, 0, 0);
            await(served);
            assertThat(batcher.stats().handlerFailures()).isEqualTo(1);
        }
        assertThat(failed).containsExactly(0, 0);
    }

    @Test
    void shouldValidateItsConfigurationOnce() {
        assertThatThrownBy(() -> new BatchingConfig().width(0).conclude()).hasMessageContaining("width");
        assertThatThrownBy(() -> new BatchingConfig().width(1).ringRows(100).conclude()).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new BatchingConfig().width(1).ringRows(64).maxBatchRows(65).conclude()).hasMessageContaining("maxBatchRows");
        BatchingConfig config = new BatchingConfig().width(2).conclude();
        assertThat(config.maxRowsPerRequest()).isEqualTo(4096);
        assertThatThrownBy(() -> config.ringRows(8)).isInstanceOf(IllegalStateException.class);
    }
}
