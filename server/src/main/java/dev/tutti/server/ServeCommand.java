package dev.tutti.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Placeholder for the network server: the binary and HTTP servers come with the serving issue.
 * It says so and fails, rather than pretending to serve.
 */
@Command(name = "serve", description = "Serve the default ensemble over TCP and HTTP (not built yet; use predict).")
final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("tutti serve: the network servers (binary TCP, HTTP / Open Inference Protocol) are not built yet.");
        System.err.println("Score files in process meanwhile, e.g.:");
        System.err.println("  ./tutti predict --ensemble ensembles/telco-churn/1 --input fixtures/golden/telco.csv --output /tmp/out.csv");
        return 2;
    }
}
