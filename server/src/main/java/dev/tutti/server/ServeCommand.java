package dev.tutti.server;

import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.spi.Member;
import dev.tutti.transport.serving.TransportConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tutti serve}: serves an ensemble (by default the bundled telco churn ensemble) over the
 * binary protocol and HTTP (Open Inference Protocol) until the process is stopped (Ctrl-C or
 * SIGTERM), then shuts down gracefully: new requests are refused, those in flight are answered.
 */
@Command(name = "serve", description = "Serve an ensemble over the binary protocol (TCP) and HTTP (Open Inference Protocol / KServe v2).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--ensemble", defaultValue = "ensembles/telco-churn/1", description = "Ensemble version directory (default: ${DEFAULT-VALUE}).")
    Path ensemble;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--binary-port", defaultValue = "7070", description = "Binary protocol port, 0 for any (default: ${DEFAULT-VALUE}).")
    int binaryPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port, 0 for any (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--io-threads", defaultValue = "0", description = "Network event-loop threads; 0: one per core (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--max-rows", defaultValue = "1024", description = "Most rows per request (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Option(names = "--drain-seconds", defaultValue = "10", description = "How long shutdown waits for requests in flight (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(names = "--worker-spin-us", defaultValue = "200", description = "How long an idle member worker looks for the next call before it parks, "
            + "in microseconds, 0 to 10000; 0 parks at once and saves CPU under light load (default: ${DEFAULT-VALUE}).")
    long workerSpinMicros;

    TransportConfig transportConfig() {
        return new TransportConfig().host(host).binaryPort(binaryPort).httpPort(httpPort).ioThreads(ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors()).maxRowsPerRequest(maxRows)
                .drainTimeout(Duration.ofSeconds(drainSeconds)).conclude();
    }

    /** The members' execution settings: the defaults with the worker spin asked for (refused outside 0 to 10 ms). */
    ExecutionConfig executionConfig() {
        if (workerSpinMicros < 0 || workerSpinMicros > 10_000) {
            throw new IllegalArgumentException("--worker-spin-us must be 0 to 10000 (microseconds), not " + workerSpinMicros);
        }
        return ExecutionConfig.defaults().withWorkerSpin(Duration.ofNanos(Math.multiplyExact(workerSpinMicros, 1_000L)));
    }

    @Override
    public Integer call() throws Exception {
        Serving serving = Serving.start(ensemble, transportConfig(), executionConfig());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("tutti serve: stopping (answering the requests in flight first)");
            serving.close();
            stopped.countDown();
        }, "tutti-shutdown"));
        announce(serving, System.out);
        stopped.await();
        return 0;
    }

    static void announce(Serving serving, PrintStream out) {
        var m = serving.ensemble().manifest();
        var binary = serving.server().binaryAddress();
        var http = serving.server().httpAddress();
        String base = "http://" + http.getHostString() + ":" + http.getPort();
        out.println("tutti serve: " + m.pin() + " (" + m.task().name().toLowerCase(java.util.Locale.ROOT) + ", members "
                + String.join(", ", serving.ensemble().members().stream().map(Member::spec).map(s -> s.name()).toList()) + ")");
        out.println("  binary protocol  " + binary.getHostString() + ":" + binary.getPort());
        out.println("  HTTP (KServe v2) " + base + "/v2/models/" + m.name() + "/infer");
        out.println("  metrics          " + base + "/metrics");
        out.println("Ctrl-C stops; requests in flight are answered first.");
        out.flush();
    }
}
