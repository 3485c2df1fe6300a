package dev.tutti.transport.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.transport.TransportServer;
import dev.tutti.transport.client.ClientConfig;
import dev.tutti.transport.client.ClientTimeoutException;
import dev.tutti.transport.client.RemoteErrorException;
import dev.tutti.transport.client.ScoreOptions;
import dev.tutti.transport.client.ScoreResult;
import dev.tutti.transport.client.TuttiClient;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Telco;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The binary protocol end to end over loopback sockets: the real telco ensemble and a controllable fake. */
class BinaryServerIntegrationTest {
    private static Telco telco;
    private static FakeEnsemble fake;
    private static TransportServer server;
    private static TuttiClient client;

    @BeforeAll
    static void start() throws Exception {
        telco = new Telco();
        fake = new FakeEnsemble("fake", 1);
        EnsembleRegistry registry = new EnsembleRegistry().register(telco.served, "champion").register(fake);
        server = TransportServer.start(registry, new TransportConfig().binaryPort(0).httpPort(0).maxRowsPerRequest(256));
        client = TuttiClient.connect(new ClientConfig().port(server.binaryAddress().getPort()).connections(2));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        telco.close();
    }

    private static TuttiClient newClient() throws InterruptedException {
        return TuttiClient.connect(new ClientConfig().port(server.binaryAddress().getPort()));
    }

    @Test
    void shouldAnswerLikeTheInProcessScorerForTelcoRows() {
        int n = 64;
        Predictions expected = telco.expected(n);
        int width = telco.golden.schema().width();
        ScoreResult result = client.score(EnsembleRef.of("telco-churn", 1), telco.rows(0, n), n, width);
        assertThat(result.rows()).isEqualTo(n);
        assertThat(result.classCount()).isEqualTo(2);
        for (int r = 0; r < n; r++) {
            assertThat(result.value(r)).isCloseTo(expected.value(r), within(1e-6f));
            assertThat(result.predictedClass(r)).isEqualTo(expected.predictedClass(r));
            assertThat(result.confidence(r)).isCloseTo(expected.confidence(r), within(1e-6f));
            assertThat(result.probability(r, 1)).isCloseTo(expected.value(r), within(1e-6f));
        }
        ModelMetadata metadata = client.metadata(EnsembleRef.alias("telco-churn", "champion"));
        assertThat(result.membersUsed(metadata)).containsExactlyElementsOf(metadata.members());
        assertThat(result.degraded()).isFalse();
    }

    @Test
    void shouldEncodeLabelsFromMetadataOnTheClient() {
        ModelMetadata metadata = client.metadata(EnsembleRef.latest("telco-churn"));
        assertThat(metadata.version()).isEqualTo(1);
        assertThat(metadata.schema()).isEqualTo(telco.golden.schema());
        List<String> raw = telco.golden.header().stream().filter(h -> metadata.schema().indexOf(h) >= 0).toList();
        List<String> cells = new ArrayList<>();
        for (var f : metadata.features()) {
            cells.add(telco.golden.cell(0, f.name()));
        }
        assertThat(raw).hasSize(metadata.schema().width());
        float[] rows = metadata.encodeText(List.of(cells));
        assertThat(rows).containsExactly(telco.golden.encodedRow(0));
    }

    @Test
    void shouldPipelineManyRequestsOnOneConnection() throws Exception {
        int width = telco.golden.schema().width();
        List<CompletableFuture<ScoreResult>> futures = new ArrayList<>();
        // a generous budget: under tier 1's 100 ms a member can miss a batch on a busy 2-core machine, and a
        // degraded answer (weights renormalised over the others) is right but not the sequential scorer's
        ScoreOptions options = ScoreOptions.budget(Duration.ofSeconds(5));
        for (int i = 0; i < 300; i++) {
            futures.add(client.scoreAsync(EnsembleRef.latest("telco-churn"), telco.rows(i % 50, 1), 1, width, options));
        }
        Predictions expected = telco.expected(50);
        for (int i = 0; i < futures.size(); i++) {
            ScoreResult result = futures.get(i).get();
            assertThat(result.degraded()).as("request %d: %s", i, result.missingReasons()).isFalse();
            assertThat(result.value(0)).as("request %d", i).isCloseTo(expected.value(i % 50), within(1e-6f));
        }
    }

    @Test
    void shouldMatchAnswersCompletedOutOfOrderByCorrelationId() throws Exception {
        float[] first = {0.1f, 0};
        float[] second = {0.9f, 2};
        CompletableFuture<ScoreResult> a = client.scoreAsync(EnsembleRef.latest("fake"), first, 1, 2, ScoreOptions.DEFAULT);
        FakeEnsemble.Request ra = fake.next();
        CompletableFuture<ScoreResult> b = client.scoreAsync(EnsembleRef.latest("fake"), second, 1, 2, ScoreOptions.DEFAULT);
        FakeEnsemble.Request rb = fake.next();
        rb.answer(); // the later request completes first
        assertThat(b.get().value(0)).isEqualTo(0.9f);
        assertThat(a).isNotDone();
        ra.answer();
        assertThat(a.get().value(0)).isEqualTo(0.1f);
    }

    @Test
    void shouldReportErrorFramesAsRemoteErrors() {
        assertThatThrownBy(() -> client.score(EnsembleRef.latest("nope"), new float[] {1, 2}, 1, 2))
                .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ENSEMBLE))
                .hasMessageContaining("no ensemble nope");
        assertThatThrownBy(() -> client.score(EnsembleRef.latest("fake"), new float[] {1, 0, 2, 7}, 2, 2))
                .isInstanceOfSatisfying(RemoteErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.row()).isEqualTo(1);
                })
                .hasMessageContaining("color");
        assertThatThrownBy(() -> client.score(EnsembleRef.latest("fake"), new float[] {1, 0, 2}, 1, 3))
                .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("takes 2 features");
    }

    @Test
    void shouldRefuseMoreRowsThanTheLimit() {
        int rows = 257;
        int width = telco.golden.schema().width();
        assertThatThrownBy(() -> client.score(EnsembleRef.latest("telco-churn"), new float[rows * width], rows, width))
                .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ROWS));
    }

    @Test
    void shouldTimeOutOnTheClientWhenNoAnswerComes() throws Exception {
        CompletableFuture<ScoreResult> f = client.scoreAsync(EnsembleRef.latest("fake"), new float[] {0.5f, 1}, 1, 2,
                ScoreOptions.DEFAULT.withTimeout(Duration.ofMillis(50)));
        FakeEnsemble.Request request = fake.next();
        assertThatThrownBy(f::join).hasCauseInstanceOf(ClientTimeoutException.class);
        request.answer(); // the late answer is dropped; the connection goes on
        assertThat(client.score(EnsembleRef.latest("telco-churn"), telco.rows(0, 1), 1, telco.golden.schema().width()).rows()).isEqualTo(1);
    }

    @Test
    void shouldCarryTheBudgetAndTierToTheService() throws Exception {
        CompletableFuture<ScoreResult> f = client.scoreAsync(EnsembleRef.latest("fake"), new float[] {0.5f, 1}, 1, 2,
                ScoreOptions.budget(Duration.ofMillis(7)));
        FakeEnsemble.Request r = fake.next();
        assertThat(r.budget()).isEqualTo(Duration.ofMillis(7));
        r.answer();
        f.get();
        CompletableFuture<ScoreResult> g = client.scoreAsync(EnsembleRef.latest("fake"), new float[] {0.5f, 1}, 1, 2, ScoreOptions.tier(2));
        FakeEnsemble.Request s = fake.next();
        assertThat(s.tier()).isEqualTo(2);
        s.answer();
        g.get();
    }

    @Test
    void shouldServeSeveralClientsAtOnce() throws Exception {
        try (TuttiClient other = newClient()) {
            int width = telco.golden.schema().width();
            ScoreResult a = other.score(EnsembleRef.latest("telco-churn"), telco.rows(3, 2), 2, width);
            ScoreResult b = client.score(EnsembleRef.latest("telco-churn"), telco.rows(3, 2), 2, width);
            assertThat(a.value(1)).isEqualTo(b.value(1));
        }
    }

    @Test
    void shouldExplainEachRowLikeTheInProcessEngineWhenAsked() {
        int n = 16;
        int width = telco.golden.schema().width();
        EnsembleRef ref = EnsembleRef.of("telco-churn", 1);
        ModelMetadata metadata = client.metadata(ref);
        ScoreOptions explain = ScoreOptions.budget(Duration.ofSeconds(5)).withExplanations(); // no member misses on a busy machine
        ScoreResult explained = client.scoreAsync(ref, telco.rows(20, n), n, width, explain).join();
        Predictions inProcess = new Predictions(telco.inProcess, n);
        telco.inProcess.newScorer(n).score(telco.golden.encodedRows(20, n), n, 0, inProcess, true);
        List<RowExplanation> expected = inProcess.explanations();

        assertThat(explained.explained()).isTrue();
        for (int r = 0; r < n; r++) {
            RowExplanation got = explained.explanation(r, metadata);
            RowExplanation want = expected.get(r);
            assertThat(got.row()).isEqualTo(r);
            assertThat(got.space()).isEqualTo(want.space());
            assertThat(got.output()).isEqualTo(want.output());
            assertThat(got.base()).isCloseTo(want.base(), within(1e-6));
            assertThat(got.combinedInSpace()).isCloseTo(want.combinedInSpace(), within(1e-6));
            assertThat(got.consensus()).isCloseTo(want.consensus(), within(1e-6));
            assertThat(got.members()).extracting(RowExplanation.Part::member).containsExactlyElementsOf(metadata.members());
            double sum = got.base();
            for (int m = 0; m < want.members().size(); m++) {
                RowExplanation.Part g = got.members().get(m);
                RowExplanation.Part w = want.members().get(m);
                assertThat(g.member()).isEqualTo(w.member());
                assertThat(g.present()).isEqualTo(w.present()).isTrue();
                assertThat(g.output()).isCloseTo(w.output(), within(1e-6));
                assertThat(g.weight()).isCloseTo(w.weight(), within(1e-9));
                assertThat(g.contribution()).isCloseTo(w.contribution(), within(1e-6));
                sum += g.contribution();
            }
            assertThat(sum).as("base + contributions = combined, row %d", r).isCloseTo(got.combinedInSpace(), within(1e-6));
        }
    }

    @Test
    void shouldAnswerARequestWithoutTheFlagWithoutExplanationsAndTheSameValues() {
        int n = 8;
        int width = telco.golden.schema().width();
        EnsembleRef ref = EnsembleRef.of("telco-churn", 1);
        ScoreResult explained = client.scoreAsync(ref, telco.rows(0, n), n, width, ScoreOptions.DEFAULT.withExplanations()).join();
        ScoreResult plain = client.score(ref, telco.rows(0, n), n, width);
        assertThat(plain.explained()).isFalse();
        assertThatThrownBy(() -> plain.explanation(0, client.metadata(ref))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withExplanations");
        for (int r = 0; r < n; r++) {
            assertThat(plain.value(r)).isEqualTo(explained.value(r));
            assertThat(plain.confidence(r)).isEqualTo(explained.confidence(r));
            assertThat(plain.predictedClass(r)).isEqualTo(explained.predictedClass(r));
        }
    }

    @Test
    void shouldExplainAsManyRowsAsTheLimitAllowsAndNoMore() {
        int width = telco.golden.schema().width();
        int limit = 256; // the server's maxRowsPerRequest here
        float[] rows = new float[limit * width];
        for (int r = 0; r < limit; r++) {
            System.arraycopy(telco.golden.encodedRow(r % telco.golden.rows()), 0, rows, r * width, width);
        }
        ScoreOptions explain = ScoreOptions.DEFAULT.withExplanations();
        ScoreResult all = client.scoreAsync(EnsembleRef.latest("telco-churn"), rows, limit, width, explain).join();
        assertThat(all.rows()).isEqualTo(limit);
        ModelMetadata metadata = client.metadata(EnsembleRef.latest("telco-churn"));
        assertThat(all.explanation(limit - 1, metadata).row()).isEqualTo(limit - 1);
        float[] tooMany = new float[(limit + 1) * width];
        assertThatThrownBy(() -> client.scoreAsync(EnsembleRef.latest("telco-churn"), tooMany, limit + 1, width, explain).join())
                .hasCauseInstanceOf(RemoteErrorException.class)
                .cause().satisfies(e -> assertThat(((RemoteErrorException) e).code()).isEqualTo(ErrorCode.TOO_MANY_ROWS));
    }
}
