package dev.tutti.transport.testing;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.transport.serving.ServiceEnsemble;
import java.time.Duration;
import java.util.List;

/**
 * The bundled telco ensemble served in process, for tests over real sockets: start in
 * {@code @BeforeAll}, close in {@code @AfterAll}.
 */
public final class Telco implements AutoCloseable {
    public final GoldenSet golden = GoldenSet.load("telco");
    public final Ensemble ensemble;
    public final EnsembleService service;
    public final ServiceEnsemble served;
    /** A second copy of the ensemble for in-process references (explanations): never touched by the service. */
    public final Ensemble inProcess;
    private final Predictions reference;

    public Telco() throws Exception {
        ensemble = EnsembleLoader.withDiscoveredRuntimes().load(GoldenSet.repoRoot().resolve("ensembles/telco-churn/1"));
        // the reference runs on a second copy of the ensemble, never served: a member serves one thread at
        // a time, and scoring on the service's members while it runs would race with its workers
        inProcess = EnsembleLoader.withDiscoveredRuntimes().load(GoldenSet.repoRoot().resolve("ensembles/telco-churn/1"));
        reference = new Predictions(inProcess, golden.rows());
        inProcess.newScorer(golden.rows()).score(golden.encodedRows(0, golden.rows()), golden.rows(), reference);
        // budgets of seconds: these tests check answers and protocol, and under the default 25/100 ms a
        // member can miss a batch on a busy 2-core machine (a right, degraded answer that differs from the reference)
        ServiceConfig config = ServiceConfig.defaults().withExecution(ExecutionConfig.defaults()
                .withTierBudgets(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10))));
        service = EnsembleService.start(ensemble, config);
        served = new ServiceEnsemble(service, config);
    }

    /**
     * The sequential scorer's answers for the golden rows (at least {@code 0 .. n-1}): the reference
     * for parity, computed once at start.
     */
    public Predictions expected(int n) {
        if (n > golden.rows()) {
            throw new IllegalArgumentException(n + " rows asked, the golden set has " + golden.rows());
        }
        return reference;
    }

    /** Golden rows {@code from .. from+n-1}, encoded, row-major. */
    public float[] rows(int from, int n) {
        int width = golden.schema().width();
        float[] out = new float[n * width];
        for (int r = 0; r < n; r++) {
            System.arraycopy(golden.encodedRow(from + r), 0, out, r * width, width);
        }
        return out;
    }

    @Override
    public void close() {
        service.close();
        ensemble.close();
        inProcess.close();
    }
}
