package dev.tutti.server;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.transport.TransportServer;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.ServiceEnsemble;
import dev.tutti.transport.serving.TransportConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One ensemble served on the network: the loaded ensemble, its in-process service and the binary
 * and HTTP servers over it. {@link #close()} shuts down in dependency order: the servers first
 * (they stop taking requests and drain the ones in flight), then the service, then the ensemble.
 *
 * <p>Ownership: owns all three. Threads: start and close from one controlling thread.
 */
final class Serving implements AutoCloseable {
    private final Ensemble ensemble;
    private final EnsembleService service;
    private final ServiceEnsemble served;
    private final TransportServer server;

    private Serving(Ensemble ensemble, EnsembleService service, ServiceEnsemble served, TransportServer server) {
        this.ensemble = ensemble;
        this.service = service;
        this.served = served;
        this.server = server;
    }

    static Serving start(Path directory, TransportConfig transport, ExecutionConfig execution) throws Exception {
        if (!Files.isRegularFile(directory.resolve("manifest.json"))) {
            throw new IllegalArgumentException("no ensemble at " + directory.toAbsolutePath() + " (a directory with a manifest.json)");
        }
        ServiceConfig config = ServiceConfig.defaults().withBatching(4096, 256, transport.maxRowsPerRequest()).withExecution(execution);
        Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(directory);
        EnsembleService service = null;
        try {
            service = EnsembleService.start(ensemble, config);
            ServiceEnsemble served = new ServiceEnsemble(service, config);
            TransportServer server = TransportServer.start(new EnsembleRegistry().register(served), transport);
            return new Serving(ensemble, service, served, server);
        } catch (Exception | Error e) {
            if (service != null) {
                service.close();
            }
            ensemble.close();
            throw e;
        }
    }

    Ensemble ensemble() {
        return ensemble;
    }

    TransportServer server() {
        return server;
    }

    @Override
    public void close() {
        served.markClosing();
        server.close();
        service.close();
        ensemble.close();
    }
}
