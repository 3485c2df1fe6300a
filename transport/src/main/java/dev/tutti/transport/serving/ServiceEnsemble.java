package dev.tutti.transport.serving;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.engine.spi.Member;
import dev.tutti.transport.protocol.MemberSummary;
import dev.tutti.transport.protocol.ModelMetadata;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ServedEnsemble} backed by an {@link EnsembleService}. Ownership: does not own the
 * service or the ensemble; whoever started them closes them after the servers stopped.
 */
public final class ServiceEnsemble implements ServedEnsemble {
    private final EnsembleService service;
    private final ModelMetadata metadata;
    private volatile boolean ready = true;

    public ServiceEnsemble(EnsembleService service, ServiceConfig config) {
        this.service = service;
        Ensemble ensemble = service.ensemble();
        EnsembleManifest m = ensemble.manifest();
        if (ensemble.members().size() > MemberSummary.MAX_MEMBERS) {
            throw new IllegalArgumentException(m.pin() + " has " + ensemble.members().size() + " members; the protocol carries at most 64");
        }
        this.metadata = new ModelMetadata(m.name(), m.version(), m.task(), m.classes(),
                ensemble.members().stream().map(Member::spec).map(s -> s.name()).toList(), m.schema(), config.maxRowsPerRequest());
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    @Override
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, int tier, boolean explain) {
        return service.submit(rows, rowCount, tier, explain);
    }

    @Override
    public CompletableFuture<ScoreResponse> submit(float[] rows, int rowCount, Duration budget, boolean explain) {
        return service.submit(rows, rowCount, budget, explain);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    /** Marks it not ready (readiness probes fail) before it is closed. */
    public void markClosing() {
        ready = false;
    }

    @Override
    public ServiceMetrics metrics() {
        return service.metrics();
    }
}
