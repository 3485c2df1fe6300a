package dev.tutti.transport.metrics;

import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.ServedEnsemble;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The servers' metrics: every request's outcome and latency as the server saw it (from the frame or
 * HTTP request read to the answer handed to the event loop), per protocol and ensemble, plus the
 * engine's own metrics ({@link EngineCollector}), exposed in the Prometheus text format.
 *
 * <p>Metric names (see docs/architecture.md, "Transport"): {@code tutti_requests_total},
 * {@code tutti_request_duration_seconds} (histogram), {@code tutti_predictions_total},
 * {@code tutti_connections}, and the engine's {@code tutti_engine_*} and {@code tutti_member_*}.
 *
 * <p>Threads: record from any thread; {@link #writeText} from any thread. Allocation: the client
 * library looks up label values per record (a map lookup); nothing else.
 */
public final class TransportMetrics {
    /** Histogram bounds in seconds: 50 us to 10 s. */
    private static final double[] BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter predictions;
    private final Histogram duration;
    private final Map<ServedEnsemble, EnsembleStats> stats = new IdentityHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public TransportMetrics(EnsembleRegistry ensembles) {
        for (ServedEnsemble e : ensembles.all()) {
            stats.put(e, new EnsembleStats());
        }
        requests = Counter.builder().name("tutti_requests").help("Requests by protocol, ensemble and outcome (ok or an error code)")
                .labelNames("protocol", "ensemble", "version", "outcome").register(registry);
        predictions = Counter.builder().name("tutti_predictions").help("Rows answered")
                .labelNames("protocol", "ensemble", "version").register(registry);
        duration = Histogram.builder().name("tutti_request_duration_seconds")
                .help("Latency of answered requests as the server saw it, from request read to answer ready")
                .labelNames("protocol", "ensemble", "version").classicOnly().classicUpperBounds(BOUNDS).register(registry);
        registry.register(new EngineCollector(ensembles));
    }

    /** Exposes the number of open connections of one server. */
    public void connections(Protocol protocol, IntSupplier open) {
        GaugeWithCallback.builder().name("tutti_connections_" + protocol.label()).help("Open " + protocol.label() + " connections")
                .callback(cb -> cb.call(open.getAsInt())).register(registry);
    }

    /** A request of {@code rows} rows was answered after {@code nanos}. */
    public void answered(Protocol protocol, ServedEnsemble ensemble, int rows, long nanos) {
        String name = ensemble.metadata().name();
        String version = Integer.toString(ensemble.metadata().version());
        requests.labelValues(protocol.label(), name, version, "ok").inc();
        predictions.labelValues(protocol.label(), name, version).inc(rows);
        duration.labelValues(protocol.label(), name, version).observe(nanos / 1e9);
        EnsembleStats s = stats.get(ensemble);
        if (s != null) {
            s.succeeded(rows, nanos);
        }
    }

    /** A request failed with {@code code}; {@code ensemble} is null when the request named none that is served. */
    public void failed(Protocol protocol, ServedEnsemble ensemble, ErrorCode code, long nanos) {
        String name = ensemble == null ? "" : ensemble.metadata().name();
        String version = ensemble == null ? "" : Integer.toString(ensemble.metadata().version());
        requests.labelValues(protocol.label(), name, version, code.name().toLowerCase(Locale.ROOT)).inc();
        EnsembleStats s = ensemble == null ? null : stats.get(ensemble);
        if (s != null) {
            s.failed(nanos);
        }
    }

    /** Totals for the Triton statistics endpoint. */
    public EnsembleStats stats(ServedEnsemble ensemble) {
        return stats.get(ensemble);
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void writeText(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
