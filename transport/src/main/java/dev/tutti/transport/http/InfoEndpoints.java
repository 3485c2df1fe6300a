package dev.tutti.transport.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.transport.metrics.EnsembleStats;
import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.ServedEnsemble;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The read-only endpoints: server metadata ({@code GET /v2}), health, model metadata and readiness,
 * and Triton's model configuration ({@code .../config}) and statistics ({@code .../stats}).
 *
 * <p>Threads: the event loop; stateless apart from the shared registry and metrics.
 */
final class InfoEndpoints {
    static final String SERVER_NAME = "tutti";
    static final String PLATFORM = "tutti_ensemble";
    static final List<String> EXTENSIONS = List.of("binary_tensor_data", "model_configuration", "statistics");

    private final EnsembleRegistry registry;
    private final Admission admission;
    private final TransportMetrics metrics;
    private final String version;

    InfoEndpoints(EnsembleRegistry registry, Admission admission, TransportMetrics metrics) {
        this.registry = registry;
        this.admission = admission;
        this.metrics = metrics;
        String v = InfoEndpoints.class.getPackage().getImplementationVersion();
        this.version = v == null ? "development" : v;
    }

    FullHttpResponse server(ByteBufAllocator alloc) {
        return Responses.json(alloc, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringField("name", SERVER_NAME);
            g.writeStringField("version", version);
            g.writeArrayFieldStart("extensions");
            for (String e : EXTENSIONS) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    FullHttpResponse live(ByteBufAllocator alloc) {
        return Responses.empty(alloc, HttpResponseStatus.OK);
    }

    FullHttpResponse ready(ByteBufAllocator alloc) {
        if (admission.draining()) {
            return Responses.error(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is shutting down");
        }
        for (ServedEnsemble e : registry.all()) {
            if (!e.ready()) {
                return Responses.error(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "model " + e.metadata().name() + " version "
                        + e.metadata().version() + " is not ready");
            }
        }
        return Responses.empty(alloc, HttpResponseStatus.OK);
    }

    FullHttpResponse modelReady(ByteBufAllocator alloc, ServedEnsemble e) {
        return e.ready() && !admission.draining() ? Responses.empty(alloc, HttpResponseStatus.OK)
                : Responses.error(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "model " + e.metadata().name() + " is not ready");
    }

    /** Model metadata: inputs are the features (BYTES for categorical ones), outputs those the infer endpoint answers. */
    FullHttpResponse model(ByteBufAllocator alloc, ServedEnsemble e) {
        ModelMetadata m = e.metadata();
        return Responses.json(alloc, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeArrayFieldStart("versions");
            for (ServedEnsemble v : registry.versions(m.name())) {
                g.writeString(Integer.toString(v.metadata().version()));
            }
            g.writeEndArray();
            g.writeStringField("platform", PLATFORM);
            g.writeArrayFieldStart("inputs");
            for (FeatureSpec f : m.features()) {
                tensor(g, f.name(), f.isCategorical() ? "BYTES" : "FP32", -1);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("outputs");
            for (String o : InferResponseWriter.outputNames(m)) {
                tensor(g, o, o.equals("label") ? "BYTES" : "FP32", o.equals("probabilities") ? m.classes().size() : 0);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("parameters");
            g.writeStringField("task", m.task().name().toLowerCase(Locale.ROOT));
            g.writeStringField("classes", String.join(",", m.classes()));
            g.writeStringField("members", String.join(",", m.members()));
            g.writeStringField("aliases", String.join(",", registry.aliasesOf(e)));
            g.writeNumberField("max_rows_per_request", m.maxRowsPerRequest());
            for (FeatureSpec f : m.features()) {
                if (f.isCategorical()) {
                    g.writeStringField("categories." + f.name(), String.join(",", f.categories()));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private static void tensor(JsonGenerator g, String name, String datatype, int secondDim) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", datatype);
        g.writeArrayFieldStart("shape");
        g.writeNumber(-1);
        if (secondDim > 0) {
            g.writeNumber(secondDim);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Triton's model configuration: batched inputs of one element per feature, as {@code tritonclient} reads it. */
    FullHttpResponse config(ByteBufAllocator alloc, ServedEnsemble e) {
        ModelMetadata m = e.metadata();
        return Responses.json(alloc, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("platform", PLATFORM);
            g.writeStringField("backend", SERVER_NAME);
            g.writeObjectFieldStart("version_policy");
            g.writeObjectFieldStart("specific");
            g.writeArrayFieldStart("versions");
            g.writeNumber(m.version());
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            g.writeNumberField("max_batch_size", m.maxRowsPerRequest());
            g.writeArrayFieldStart("input");
            for (FeatureSpec f : m.features()) {
                configTensor(g, f.name(), f.isCategorical() ? "TYPE_STRING" : "TYPE_FP32", 1);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("output");
            for (String o : InferResponseWriter.outputNames(m)) {
                configTensor(g, o, o.equals("label") ? "TYPE_STRING" : "TYPE_FP32", o.equals("probabilities") ? m.classes().size() : 1);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void configTensor(JsonGenerator g, String name, String type, int dim) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("data_type", type);
        g.writeArrayFieldStart("dims");
        g.writeNumber(dim);
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * Triton's statistics: success and failure counts with summed durations (as the server saw them),
     * rows answered ({@code inference_count}) and batches scored ({@code execution_count}). Queue and
     * compute durations are not reported: the engine keeps percentiles, not sums (see /metrics).
     */
    FullHttpResponse stats(ByteBufAllocator alloc, Collection<ServedEnsemble> ensembles) {
        return Responses.json(alloc, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("model_stats");
            for (ServedEnsemble e : ensembles) {
                EnsembleStats s = metrics.stats(e);
                ServiceMetrics engine = e.metrics();
                g.writeStartObject();
                g.writeStringField("name", e.metadata().name());
                g.writeStringField("version", Integer.toString(e.metadata().version()));
                g.writeNumberField("last_inference", s == null ? 0 : s.lastInferenceMillis());
                g.writeNumberField("inference_count", s == null ? 0 : s.rows());
                g.writeNumberField("execution_count", engine == null ? 0 : engine.batches());
                g.writeObjectFieldStart("inference_stats");
                duration(g, "success", s == null ? 0 : s.successCount(), s == null ? 0 : s.successNanos());
                duration(g, "fail", s == null ? 0 : s.failCount(), s == null ? 0 : s.failNanos());
                g.writeEndObject();
                g.writeArrayFieldStart("batch_stats");
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void duration(JsonGenerator g, String name, long count, long nanos) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("count", count);
        g.writeNumberField("ns", nanos);
        g.writeEndObject();
    }
}
