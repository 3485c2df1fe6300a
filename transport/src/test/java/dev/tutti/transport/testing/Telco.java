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

    public Telco() throws Exception {
        ensemble = EnsembleLoader.withDiscoveredRuntimes().load(GoldenSet.repoRoot().resolve("ensembles/telco-churn/1"));
        // budgets of seconds: these tests check answers and protocol, and under the default 25/100 ms a
        // member can miss a batch on a busy 2-core machine (a right, degraded answer that differs from the reference)
        ServiceConfig config = ServiceConfig.defaults().withExecution(ExecutionConfig.defaults()
                .withTierBudgets(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10))));
        service = EnsembleService.start(ensemble, config);
        served = new ServiceEnsemble(service, config);
    }

    /** The sequential scorer's answers for golden rows {@code 0 .. n-1}: the reference for parity. */
    public Predictions expected(int n) {
        Predictions p = new Predictions(ensemble, n);
        ensemble.newScorer(n).score(golden.encodedRows(0, n), n, p);
        return p;
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
    }
}
