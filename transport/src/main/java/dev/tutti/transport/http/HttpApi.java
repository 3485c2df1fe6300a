package dev.tutti.transport.http;

import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.transport.metrics.Protocol;
import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.Failure;
import dev.tutti.transport.serving.ServedEnsemble;
import dev.tutti.transport.serving.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes HTTP requests to the endpoints and runs inference: parse, assemble rows, submit to the
 * ensemble's service, and answer on the connection's event loop when the engine completes.
 *
 * <pre>
 * GET  /v2                                        server metadata
 * GET  /v2/health/live | /v2/health/ready         health
 * GET  /v2/models/{m}[/versions/{v}]              model metadata ({v}: a version or an alias)
 * GET  /v2/models/{m}[/versions/{v}]/ready        model readiness
 * POST /v2/models/{m}[/versions/{v}]/infer        inference (JSON, binary tensor data extension)
 * GET  /v2/models/{m}[/versions/{v}]/config       Triton model configuration
 * GET  /v2/models[/{m}[/versions/{v}]]/stats      Triton statistics
 * GET  /metrics                                   Prometheus text format
 * </pre>
 *
 * <p>Threads: shared by every connection; called on event loops. Allocation: per request, the
 * parsed request, the rows and the response.
 */
final class HttpApi {
    private static final Logger LOG = Logger.getLogger(HttpApi.class.getName());

    private final EnsembleRegistry registry;
    private final Admission admission;
    private final TransportMetrics metrics;
    private final int maxRows;
    private final InfoEndpoints info;
    private final Map<ServedEnsemble, RowAssembler> assemblers = new IdentityHashMap<>();

    HttpApi(EnsembleRegistry registry, Admission admission, TransportMetrics metrics, TransportConfig config) {
        this.registry = registry;
        this.admission = admission;
        this.metrics = metrics;
        this.maxRows = config.maxRowsPerRequest();
        this.info = new InfoEndpoints(registry, admission, metrics);
        for (ServedEnsemble e : registry.all()) {
            assemblers.put(e, new RowAssembler(e.metadata().schema()));
        }
    }

    /** Answers {@code request} through {@code exchange}, now or when the engine completes. Does not release the request. */
    void handle(FullHttpRequest request, Exchange exchange) {
        long start = System.nanoTime();
        try {
            route(request, exchange, start);
        } catch (BadRequestException e) {
            exchange.respond(Responses.error(exchange.alloc(), e.status(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "internal error answering " + request.method() + " " + request.uri(), e);
            exchange.respond(Responses.error(exchange.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e));
        }
    }

    private void route(FullHttpRequest request, Exchange exchange, long start) {
        List<String> path = segments(request.uri());
        HttpMethod method = request.method();
        var alloc = exchange.alloc();
        if (path.equals(List.of("metrics"))) {
            get(method);
            exchange.respond(metricsText(exchange));
            return;
        }
        if (path.isEmpty() || !path.getFirst().equals("v2")) {
            throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no endpoint " + request.uri());
        }
        if (path.size() == 1) {
            get(method);
            exchange.respond(info.server(alloc));
            return;
        }
        if (path.size() == 3 && path.get(1).equals("health")) {
            get(method);
            switch (path.get(2)) {
                case "live" -> exchange.respond(info.live(alloc));
                case "ready" -> exchange.respond(info.ready(alloc));
                default -> throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no endpoint " + request.uri());
            }
            return;
        }
        if (!path.get(1).equals("models") || path.size() < 3) {
            throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no endpoint " + request.uri());
        }
        if (path.size() == 3 && path.get(2).equals("stats")) {
            get(method);
            exchange.respond(info.stats(alloc, registry.all()));
            return;
        }
        String model = path.get(2);
        String version = "";
        int next = 3;
        if (path.size() >= 5 && path.get(3).equals("versions")) {
            version = path.get(4);
            next = 5;
        }
        if (path.size() > next + 1) {
            throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no endpoint " + request.uri());
        }
        String action = path.size() == next ? "" : path.get(next);
        ServedEnsemble ensemble = registry.find(model, 0, version);
        if (ensemble == null) {
            if (action.equals("infer")) {
                metrics.failed(Protocol.HTTP, null, ErrorCode.UNKNOWN_ENSEMBLE, System.nanoTime() - start);
            }
            throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no model '" + model + "'" + (version.isEmpty() ? "" : " version '"
                    + version + "'") + " is served here");
        }
        switch (action) {
            case "" -> {
                get(method);
                exchange.respond(info.model(alloc, ensemble));
            }
            case "ready" -> {
                get(method);
                exchange.respond(info.modelReady(alloc, ensemble));
            }
            case "config" -> {
                get(method);
                exchange.respond(info.config(alloc, ensemble));
            }
            case "stats" -> {
                get(method);
                exchange.respond(info.stats(alloc, List.of(ensemble)));
            }
            case "infer" -> {
                if (!method.equals(HttpMethod.POST)) {
                    throw new BadRequestException(HttpResponseStatus.METHOD_NOT_ALLOWED, "infer takes POST, not " + method);
                }
                infer(request, exchange, ensemble, start);
            }
            default -> throw new BadRequestException(HttpResponseStatus.NOT_FOUND, "no endpoint " + request.uri());
        }
    }

    private static void get(HttpMethod method) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            throw new BadRequestException(HttpResponseStatus.METHOD_NOT_ALLOWED, "this endpoint takes GET, not " + method);
        }
    }

    private static List<String> segments(String uri) {
        String path = new QueryStringDecoder(uri).path();
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private FullHttpResponse metricsText(Exchange exchange) {
        ByteBuf buf = exchange.alloc().buffer(8192);
        try {
            metrics.writeText(new ByteBufOutputStream(buf));
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw new IllegalStateException("writing metrics failed", e);
        }
        return Responses.response(HttpResponseStatus.OK, buf, metrics.contentType());
    }

    private void infer(FullHttpRequest http, Exchange exchange, ServedEnsemble ensemble, long start) {
        String header = http.headers().get(InferResponseWriter.INFERENCE_HEADER_CONTENT_LENGTH);
        int jsonLength = -1;
        if (header != null) {
            try {
                jsonLength = Integer.parseInt(header.trim());
            } catch (NumberFormatException e) {
                jsonLength = -2;
            }
            if (jsonLength < 0) {
                throw refused(ensemble, start, "Inference-Header-Content-Length must be a byte count, not '" + header + "'");
            }
        }
        InferRequest request;
        List<InferRequest.Output> outputs;
        RowAssembler.Rows rows;
        try {
            request = InferRequestParser.parse(http.content(), jsonLength);
            outputs = InferResponseWriter.selectOutputs(ensemble.metadata(), request);
            rows = assemblers.get(ensemble).assemble(request.inputs(), Math.min(maxRows, ensemble.metadata().maxRowsPerRequest()));
        } catch (BadRequestException e) {
            metrics.failed(Protocol.HTTP, ensemble, ErrorCode.INVALID_INPUT, System.nanoTime() - start);
            throw e;
        } catch (InvalidInputException e) {
            throw refused(ensemble, start, e.getMessage());
        }
        if (!admission.tryEnter()) {
            metrics.failed(Protocol.HTTP, ensemble, ErrorCode.SHUTTING_DOWN, System.nanoTime() - start);
            throw new BadRequestException(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is shutting down");
        }
        CompletableFuture<ScoreResponse> future;
        try {
            future = request.budgetMicros() > 0
                    ? ensemble.submit(rows.values(), rows.count(), Duration.ofNanos(request.budgetMicros() * 1_000), request.explain())
                    : ensemble.submit(rows.values(), rows.count(), request.tier(), request.explain());
        } catch (RuntimeException e) {
            admission.exit();
            Failure f = Failure.of(e);
            metrics.failed(Protocol.HTTP, ensemble, f.code(), System.nanoTime() - start);
            throw new BadRequestException(Responses.status(f.code()), f.message());
        }
        String id = request.id();
        int count = rows.count();
        future.whenComplete((response, error) -> {
            try {
                if (error == null) {
                    metrics.answered(Protocol.HTTP, ensemble, count, System.nanoTime() - start);
                } else {
                    metrics.failed(Protocol.HTTP, ensemble, Failure.of(error).code(), System.nanoTime() - start);
                }
                exchange.executor().execute(() -> exchange.respond(error == null
                        ? InferResponseWriter.write(exchange.alloc(), ensemble.metadata(), id, response, outputs)
                        : Responses.error(exchange.alloc(), Responses.status(Failure.of(error).code()), Failure.of(error).message())));
            } finally {
                admission.exit();
            }
        });
    }

    private BadRequestException refused(ServedEnsemble ensemble, long start, String message) {
        metrics.failed(Protocol.HTTP, ensemble, ErrorCode.INVALID_INPUT, System.nanoTime() - start);
        return new BadRequestException(message);
    }
}
