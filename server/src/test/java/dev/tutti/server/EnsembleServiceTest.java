package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.execution.HealthPolicy;
import dev.tutti.engine.execution.MemberHealth;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.RequestFailure;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.engine.testing.GoldenSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The in-process service with the real telco members, and with members that fail, hang, slow down
 * or return NaN on command: every request is answered exactly once, by its deadline plus a bound,
 * with the right flags and missing members; the circuit breaker opens and recovers; a full ring
 * refuses at once.
 */
class EnsembleServiceTest {
    /** Generous for a shared 2-core machine: what matters is that a hung member does not hold an answer for long. */
    private static final long DEADLINE_SLACK_MILLIS = 1_500;

    private static GoldenSet golden;
    private static float[][] expected; // the sequential scorer's P(churn) per golden row

    private final FaultInjector faults = new FaultInjector();
    private Ensemble ensemble;
    private EnsembleService service;

    @BeforeAll
    static void answersOfTheSequentialScorer() throws Exception {
        golden = GoldenSet.load("telco");
        try (Ensemble telco = BundledEnsembles.load("telco-churn")) {
            expected = new float[golden.rows()][];
            Predictions p = new Predictions(telco, golden.rows());
            telco.newScorer(golden.rows()).score(golden.encodedRows(0, golden.rows()), golden.rows(), p);
            for (int r = 0; r < golden.rows(); r++) {
                expected[r] = new float[] {p.value(r)};
            }
        }
    }

    @AfterEach
    void stop() {
        faults.releaseHangs();
        if (service != null) {
            service.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    private EnsembleService start(ServiceConfig config) throws Exception {
        ensemble = faults.load("telco-churn");
        service = EnsembleService.start(ensemble, config);
        return service;
    }

    private static ServiceConfig config(Duration budget) {
        return ServiceConfig.defaults().withExecution(ExecutionConfig.defaults().withTierBudgets(List.of(budget)));
    }

    private static float[] rows(int from, int count) {
        float[] out = new float[count * 19];
        for (int r = 0; r < count; r++) {
            System.arraycopy(golden.encodedRow(from + r), 0, out, r * 19, 19);
        }
        return out;
    }

    private static ScoreResponse answer(CompletableFuture<ScoreResponse> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /**
     * Many producers, every answer checked against the sequential scorer. With a small batch cap,
     * requests span batches.
     */
    @ParameterizedTest(name = "cap {0}, requests of up to {1} rows")
    @CsvSource({"256, 9", "16, 40"})
    void shouldAnswerEveryRequestOfManyProducersWithExactlyItsOwnRows(int cap, int largest) throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(10)).withBatching(4096, cap, 1024));
        int producers = 4;
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        CyclicBarrier go = new CyclicBarrier(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    List<CompletableFuture<ScoreResponse>> futures = new ArrayList<>();
                    List<int[]> spans = new ArrayList<>();
                    // each producer walks the golden rows in requests of 1..largest rows, from its own offset
                    for (int from = producer * 97 % golden.rows(), n = 0; n < 120; n++) {
                        int count = 1 + (n + producer) % largest;
                        if (from + count > golden.rows()) {
                            from = 0;
                        }
                        CompletableFuture<ScoreResponse> f;
                        while ((f = service.submit(rows(from, count), count, 0)).isCompletedExceptionally()) {
                            Thread.onSpinWait(); // overloaded: retry
                        }
                        futures.add(f);
                        spans.add(new int[] {from, count});
                        from += count;
                    }
                    for (int i = 0; i < futures.size(); i++) {
                        ScoreResponse response = answer(futures.get(i));
                        int[] span = spans.get(i);
                        if (response.rows() != span[1]) {
                            problems.add("request " + i + " got " + response.rows() + " rows, sent " + span[1]);
                        }
                        for (int r = 0; r < response.rows(); r++) {
                            if (Math.abs(response.values()[r] - expected[span[0] + r][0]) > 1e-6) {
                                problems.add("golden row " + (span[0] + r) + ": " + response.values()[r] + " != " + expected[span[0] + r][0]);
                            }
                        }
                        if (response.degraded()) {
                            problems.add("degraded: " + response.membersMissing());
                        }
                        answered.incrementAndGet();
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(problems).isEmpty();
        assertThat(answered.get()).isEqualTo(producers * 120);
        ServiceMetrics metrics = service.metrics();
        assertThat(metrics.answered()).isEqualTo(metrics.accepted()).isEqualTo(producers * 120);
        assertThat(metrics.failed()).isZero();
        assertThat(metrics.latency("end-to-end").count()).isEqualTo(producers * 120);
        assertThat(metrics.batches()).isPositive().isLessThanOrEqualTo(metrics.batchedRows());
        assertThat(faults.overlappingCalls()).as("calls of one member overlapping").isZero();
    }

    @Test
    void shouldAnswerWithoutAFailingMemberFlaggedDegraded() throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(5)));
        faults.set("xgboost", FaultInjector.Fault.THROW);
        ScoreResponse response = answer(service.submit(rows(0, 4), 4, 0));
        assertThat(response.degraded()).isTrue();
        assertThat(response.fallback()).isFalse();
        assertThat(response.membersUsed()).containsExactly("mlp-onnx", "mlp-torchscript", "lightgbm", "logistic");
        assertThat(response.membersMissing()).singleElement().asString().startsWith("xgboost: injected fault");
        faults.set("xgboost", FaultInjector.Fault.NAN);
        assertThat(answer(service.submit(rows(4, 2), 2, 0)).membersMissing()).singleElement().asString().contains("invalid score NaN");
        faults.clear();
        assertThat(answer(service.submit(rows(6, 1), 1, 0)).degraded()).isFalse();
    }

    @Test
    void shouldAnswerByTheDeadlineWhenAMemberHangsAndSkipItWhileItIsStuck() throws Exception {
        // long enough that no healthy member misses it on a busy 2-core machine: only the hung one may be missing
        Duration budget = Duration.ofSeconds(1);
        EnsembleService service = start(config(budget));
        faults.set("lightgbm", FaultInjector.Fault.HANG);
        long start = System.nanoTime();
        ScoreResponse first = answer(service.submit(rows(0, 3), 3, 0));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("answered by the deadline plus a bound").isLessThan(budget.toMillis() + DEADLINE_SLACK_MILLIS);
        assertThat(first.membersMissing()).singleElement().asString().startsWith("lightgbm: no answer within the batch deadline");
        ScoreResponse second = answer(service.submit(rows(3, 3), 3, 0));
        assertThat(second.membersMissing()).singleElement().asString().isEqualTo("lightgbm: still busy with an earlier batch");
        var counted = service.metrics().memberCounters().get(service.metrics().members().indexOf("lightgbm"));
        assertThat(counted.timeouts()).isEqualTo(1);
        assertThat(counted.skippedBusy()).isEqualTo(1);
        assertThat(counted.calls()).isEqualTo(1);
        faults.clear();
        faults.releaseHangs();
        ScoreResponse recovered = null;
        for (int i = 0; i < 50 && (recovered == null || recovered.degraded()); i++) {
            recovered = answer(service.submit(rows(6, 1), 1, 0));
        }
        assertThat(recovered.degraded()).as("lightgbm back once its stuck call returned").isFalse();
        assertThat(recovered.values()[0]).isCloseTo(expected[6][0], offset(1e-6f));
    }

    @Test
    void shouldOpenTheCircuitOfASlowMemberAndCloseItAfterASuccessfulProbe() throws Exception {
        HealthPolicy breaker = new HealthPolicy(6, 3, 0.5, Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(1).toNanos());
        EnsembleService service = start(ServiceConfig.defaults().withExecution(ExecutionConfig.defaults()
                .withTierBudgets(List.of(Duration.ofMillis(50))).withHealth(breaker)));
        for (int i = 0; i < 3; i++) { // first calls (JIT, the tree kernels' trial) can take longer than 50 ms on a busy machine
            assertThat(answer(service.submit(rows(i, 1), 1, Duration.ofSeconds(10))).degraded()).isFalse();
        }
        faults.slowMillis(250).set("mlp-torchscript", FaultInjector.Fault.SLOW);
        int member = service.metrics().members().indexOf("mlp-torchscript");
        for (int i = 0; i < 20 && service.metrics().health().get(member) != MemberHealth.State.FAILED; i++) {
            assertThat(answer(service.submit(rows(i, 1), 1, 0)).membersMissing()).singleElement().asString().startsWith("mlp-torchscript: ");
            Thread.sleep(300); // let the slow call return, so that the next batch calls it (and times out) again
        }
        assertThat(service.metrics().health().get(member)).isEqualTo(MemberHealth.State.FAILED);
        assertThat(service.metrics().breakerOpenings()[member]).isEqualTo(1);
        assertThat(answer(service.submit(rows(19, 1), 1, 0)).membersMissing())
                .containsExactly("mlp-torchscript: circuit breaker open after repeated failures");
        assertThat(service.metrics().memberCounters().get(member).skippedOpen()).isEqualTo(1);
        assertThat(service.metrics().memberCounters().get(member).timeouts()).isGreaterThanOrEqualTo(3);
        faults.clear();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (service.metrics().health().get(member) != MemberHealth.State.HEALTHY && System.nanoTime() < until) {
            answer(service.submit(rows(20, 1), 1, 0));
            Thread.sleep(50);
        }
        assertThat(service.metrics().health().get(member)).isEqualTo(MemberHealth.State.HEALTHY);
        assertThat(answer(service.submit(rows(21, 1), 1, 0)).degraded()).isFalse();
    }

    @Test
    void shouldExplainOnlyTheRequestsThatAskLikeTheSequentialScorer() throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(10)));
        int n = 6;
        CompletableFuture<ScoreResponse> plainFuture = service.submit(rows(40, n), n, 0);
        CompletableFuture<ScoreResponse> explainedFuture = service.submit(rows(40, n), n, 0, true);
        ScoreResponse plain = answer(plainFuture);
        ScoreResponse explained = answer(explainedFuture);
        assertThat(plain.explained()).isFalse();
        assertThat(plain.explanations()).isEmpty();
        assertThat(explained.explanations()).hasSize(n);
        Predictions sequential = new Predictions(ensemble, n);
        ensemble.newScorer(n).score(golden.encodedRows(40, n), n, 0, sequential, true);
        for (int r = 0; r < n; r++) {
            var got = explained.explanations().get(r);
            var want = sequential.explanations().get(r);
            assertThat(got.row()).as("rows are numbered within the request").isEqualTo(r);
            assertThat(got.space()).isEqualTo(want.space());
            assertThat(got.base()).isCloseTo(want.base(), offset(1e-9));
            assertThat(got.combinedInSpace()).isCloseTo(want.combinedInSpace(), offset(1e-6));
            assertThat(got.consensus()).isCloseTo(want.consensus(), offset(1e-6));
            assertThat(got.members()).hasSameSizeAs(want.members());
            for (int m = 0; m < want.members().size(); m++) {
                assertThat(got.members().get(m).member()).isEqualTo(want.members().get(m).member());
                assertThat(got.members().get(m).contribution()).isCloseTo(want.members().get(m).contribution(), offset(1e-6));
            }
            assertThat(plain.values()[r]).isEqualTo(explained.values()[r]);
        }
    }

    @Test
    void shouldExplainAFallbackAnswerAsTheLoneMembersOutput() throws Exception {
        EnsembleService service = start(ServiceConfig.defaults().withExecution(ExecutionConfig.defaults()
                .withTierBudgets(List.of(Duration.ofSeconds(5))).withQuorum(0.5, 1).withFallback(List.of("xgboost"))));
        faults.set("logistic", FaultInjector.Fault.THROW);
        ScoreResponse response = answer(service.submit(rows(10, 3), 3, 0, true));
        assertThat(response.fallbackMember()).isEqualTo("xgboost");
        for (int r = 0; r < 3; r++) {
            var e = response.explanations().get(r);
            assertThat(e.space()).isEqualTo(dev.tutti.combine.ContributionSpace.VALUE);
            assertThat(e.base()).isZero();
            assertThat(e.combinedInSpace()).isCloseTo(response.values()[r], offset(1e-6));
            for (var part : e.members()) {
                boolean alone = part.member().equals("xgboost");
                assertThat(part.weight()).as(part.member()).isEqualTo(alone ? 1.0 : 0.0);
                assertThat(part.contribution()).isEqualTo(alone ? e.combinedInSpace() : 0.0);
                assertThat(part.present()).as(part.member()).isEqualTo(!part.member().equals("logistic"));
            }
        }
    }

    @Test
    void shouldFallBackToTheDesignatedMemberWhenTheQuorumIsNotMet() throws Exception {
        // telco's weights: logistic 0.67, lightgbm 0.16, mlp-onnx 0.09, mlp-torchscript 0.05, xgboost 0.02
        EnsembleService service = start(ServiceConfig.defaults().withExecution(ExecutionConfig.defaults()
                .withTierBudgets(List.of(Duration.ofSeconds(5))).withQuorum(0.5, 1).withFallback(List.of("xgboost"))));
        faults.set("logistic", FaultInjector.Fault.THROW);
        ScoreResponse response = answer(service.submit(rows(10, 5), 5, 0));
        assertThat(response.fallbackMember()).isEqualTo("xgboost");
        assertThat(response.degraded()).isTrue();
        double[] xgboost = golden.column("xgboost");
        for (int r = 0; r < 5; r++) {
            assertThat((double) response.values()[r]).isCloseTo(xgboost[10 + r], offset(1e-6));
        }
        faults.set("xgboost", FaultInjector.Fault.THROW);
        // the designated member is gone too: the best remaining member by test log-loss (lightgbm) answers
        assertThat(answer(service.submit(rows(10, 1), 1, 0)).fallbackMember()).isEqualTo("lightgbm");
        assertThat(service.metrics().fallback()).isEqualTo(2);
    }

    @Test
    void shouldFailExplicitlyWhenNoMemberAnswers() throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(5)));
        faults.set("*", FaultInjector.Fault.THROW);
        CompletableFuture<ScoreResponse> future = service.submit(rows(0, 2), 2, 0);
        assertThatThrownBy(() -> future.join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(RequestFailure.class, f -> assertThat(f.code()).isEqualTo(RequestFailure.Code.UNAVAILABLE))
                .hasMessageContaining("no member answered").hasMessageContaining("xgboost@1 (injected fault");
        assertThat(service.metrics().unavailable()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAtOnceWhenTheRingIsFullAndKeepMemoryBounded() throws Exception {
        EnsembleService service = start(ServiceConfig.defaults().withBatching(64, 16, 16)
                .withExecution(ExecutionConfig.defaults().withTierBudgets(List.of(Duration.ofSeconds(5)))));
        faults.set("*", FaultInjector.Fault.HANG); // the first batch holds the batcher until released
        List<CompletableFuture<ScoreResponse>> futures = new ArrayList<>();
        int overloaded = 0;
        for (int i = 0; i < 500; i++) {
            CompletableFuture<ScoreResponse> f = service.submit(rows(i % 100, 4), 4, 0);
            if (f.isCompletedExceptionally()) {
                assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(RequestFailure.class,
                        e -> assertThat(e.code()).isEqualTo(RequestFailure.Code.OVERLOADED));
                overloaded++;
            } else {
                futures.add(f);
            }
            assertThat(service.metrics().backlog()).isLessThanOrEqualTo(64);
        }
        assertThat(overloaded).isGreaterThanOrEqualTo(500 - 64 / 4 - 4);
        faults.clear();
        faults.releaseHangs();
        for (CompletableFuture<ScoreResponse> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS).rows()).isEqualTo(4);
        }
        assertThat(service.metrics().overloaded()).isEqualTo(overloaded);
    }

    @Test
    void shouldFailRequestsWhoseDeadlinePassedInTheQueue() throws Exception {
        EnsembleService service = start(config(Duration.ofMillis(300)));
        faults.set("*", FaultInjector.Fault.HANG);
        CompletableFuture<ScoreResponse> first = service.submit(rows(0, 1), 1, 0);
        Thread.sleep(20); // let the batcher take the first request
        CompletableFuture<ScoreResponse> queued = service.submit(rows(1, 1), 1, Duration.ofMillis(50));
        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(RequestFailure.class,
                f -> assertThat(f.code()).isEqualTo(RequestFailure.Code.UNAVAILABLE));
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(RequestFailure.class,
                f -> assertThat(f.code()).isEqualTo(RequestFailure.Code.DEADLINE_EXCEEDED));
        assertThat(service.metrics().deadlineExceeded()).isEqualTo(1);
    }

    @Test
    void shouldRefuseInvalidRowsBeforeQueueingThem() throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(5)));
        float[] bad = rows(0, 2);
        bad[19 + 14] = 7; // contract (feature 14) code 7 in the second row
        assertThatThrownBy(() -> service.submit(bad, 2, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'contract'").hasMessageContaining("row 1");
        assertThat(service.submit(new float[2000 * 19], 2000, 0)).isCompletedExceptionally();
        ServiceMetrics metrics = service.metrics();
        assertThat(metrics.invalid()).isEqualTo(1);
        assertThat(metrics.accepted()).isZero();
    }

    @Test
    void shouldAnswerEverythingAcceptedBeforeCloseReturns() throws Exception {
        EnsembleService service = start(config(Duration.ofSeconds(10)));
        List<CompletableFuture<ScoreResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(service.submit(rows(i, 2), 2, 0));
        }
        service.close();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(futures.stream().filter(CompletableFuture::isCompletedExceptionally).count()).isZero();
        assertThat(Arrays.stream(new int[] {service.metrics().failed() == 0 ? 1 : 0}).sum()).isEqualTo(1);
        assertThat(service.submit(rows(0, 1), 1, 0)).isCompletedExceptionally();
    }
}
