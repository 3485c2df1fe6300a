package dev.tutti.transport.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tutti.combine.Task;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.transport.protocol.ModelMetadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the inference response of the Open Inference Protocol for an engine answer.
 *
 * <p>Outputs: classification ensembles answer {@code label} (BYTES [N], the predicted class label),
 * {@code probabilities} (FP32 [N, K]), {@code value} (FP32 [N]: P(positive class) for binary, the
 * predicted class's probability for multiclass) and {@code confidence} (FP32 [N]); regression
 * ensembles answer {@code value} and {@code confidence}. Tutti's request-level extras go into the
 * response's {@code parameters}: {@code members_used} and {@code members_missing} (comma-separated
 * names; missing ones with their reasons), {@code degraded}, {@code fallback} and
 * {@code fallback_member}; when the request set {@code "explain": true}, {@code explanations}: one
 * JSON array, one object per row, written as a string because the protocol allows only strings,
 * numbers and booleans as parameter values (layout in {@link #explanationsJson}).
 *
 * <p>Binary tensor data: outputs asked for as binary get {@code parameters.binary_data_size} and
 * their data after the JSON; the {@code Inference-Header-Content-Length} header gives the JSON's length.
 *
 * <p>Threads: stateless; called on the event loop. Ownership: the returned response owns its buffer.
 */
final class InferResponseWriter {
    static final String INFERENCE_HEADER_CONTENT_LENGTH = "Inference-Header-Content-Length";

    private InferResponseWriter() {}

    /** The outputs an ensemble of this metadata answers. */
    static List<String> outputNames(ModelMetadata m) {
        return m.task() == Task.REGRESSION ? List.of("value", "confidence") : List.of("label", "probabilities", "value", "confidence");
    }

    /** The outputs to write for {@code request}, each with whether it goes binary; refuses unknown names. */
    static List<InferRequest.Output> selectOutputs(ModelMetadata m, InferRequest request) {
        List<String> known = outputNames(m);
        if (request.outputs().isEmpty()) {
            return known.stream().map(n -> new InferRequest.Output(n, request.binaryOutput())).toList();
        }
        List<InferRequest.Output> selected = new ArrayList<>();
        for (InferRequest.Output o : request.outputs()) {
            if (!known.contains(o.name())) {
                throw new BadRequestException("unknown output '" + o.name() + "'; this model answers " + known);
            }
            selected.add(new InferRequest.Output(o.name(), o.binary() || request.binaryOutput()));
        }
        return selected;
    }

    static FullHttpResponse write(ByteBufAllocator alloc, ModelMetadata m, String id, ScoreResponse r, List<InferRequest.Output> outputs) {
        ByteBuf json = alloc.buffer(256 + r.rows() * 64);
        List<ByteBuf> binaries = new ArrayList<>();
        try {
            try (JsonGenerator g = Responses.JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(json), JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("model_name", m.name());
                g.writeStringField("model_version", Integer.toString(m.version()));
                if (id != null) {
                    g.writeStringField("id", id);
                }
                writeParameters(g, r);
                g.writeArrayFieldStart("outputs");
                for (InferRequest.Output o : outputs) {
                    ByteBuf binary = o.binary() ? alloc.buffer() : null;
                    if (binary != null) {
                        binaries.add(binary);
                    }
                    writeOutput(g, m, r, o.name(), binary);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        } catch (IOException | RuntimeException e) {
            json.release();
            binaries.forEach(ByteBuf::release);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        if (binaries.isEmpty()) {
            return Responses.response(HttpResponseStatus.OK, json, HttpHeaderValues.APPLICATION_JSON);
        }
        int jsonLength = json.readableBytes();
        CompositeByteBuf body = alloc.compositeBuffer(1 + binaries.size());
        body.addComponent(true, json);
        binaries.forEach(b -> body.addComponent(true, b));
        FullHttpResponse response = Responses.response(HttpResponseStatus.OK, body, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        response.headers().setInt(INFERENCE_HEADER_CONTENT_LENGTH, jsonLength);
        return response;
    }

    private static void writeParameters(JsonGenerator g, ScoreResponse r) throws IOException {
        g.writeObjectFieldStart("parameters");
        g.writeStringField("members_used", String.join(",", r.membersUsed()));
        if (!r.membersMissing().isEmpty()) {
            g.writeStringField("members_missing", String.join("; ", r.membersMissing()));
        }
        g.writeBooleanField("degraded", r.degraded());
        g.writeBooleanField("fallback", r.fallback());
        if (r.fallback()) {
            g.writeStringField("fallback_member", r.fallbackMember());
        }
        if (r.explained()) {
            g.writeStringField("explanations", explanationsJson(r.explanations()));
        }
        g.writeEndObject();
    }

    /**
     * The explanations as one JSON array, a row per element, in row order:
     * {@code {"row", "output", "space" (value|logit|log|rank), "base", "combined", "consensus",
     * "members": [{"name", "present", "output", "weight", "contribution"}, ...]}}, members in the
     * model's member order; a number that is not finite (an absent member's output) is {@code null}.
     */
    static String explanationsJson(List<RowExplanation> explanations) throws IOException {
        StringWriter text = new StringWriter(explanations.size() * 256);
        try (JsonGenerator g = Responses.JSON.createGenerator(text)) {
            g.writeStartArray();
            for (RowExplanation e : explanations) {
                g.writeStartObject();
                g.writeNumberField("row", e.row());
                g.writeNumberField("output", e.output());
                g.writeStringField("space", e.space().name().toLowerCase(Locale.ROOT));
                number(g, "base", e.base());
                number(g, "combined", e.combinedInSpace());
                number(g, "consensus", e.consensus());
                g.writeArrayFieldStart("members");
                for (RowExplanation.Part p : e.members()) {
                    g.writeStartObject();
                    g.writeStringField("name", p.member());
                    g.writeBooleanField("present", p.present());
                    number(g, "output", p.output());
                    number(g, "weight", p.weight());
                    number(g, "contribution", p.contribution());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return text.toString();
    }

    private static void number(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
    }

    private static void writeOutput(JsonGenerator g, ModelMetadata m, ScoreResponse r, String name, ByteBuf binary) throws IOException {
        int n = r.rows();
        int k = m.classes().size();
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", name.equals("label") ? "BYTES" : "FP32");
        g.writeArrayFieldStart("shape");
        g.writeNumber(n);
        if (name.equals("probabilities")) {
            g.writeNumber(k);
        }
        g.writeEndArray();
        if (binary != null) {
            for (int row = 0; row < n; row++) {
                switch (name) {
                    case "label" -> Datatypes.writeBytesElement(binary, m.classes().get(r.predictedClasses()[row]));
                    case "probabilities" -> {
                        for (int c = 0; c < k; c++) {
                            binary.writeFloatLE(r.probabilities()[row][c]);
                        }
                    }
                    case "value" -> binary.writeFloatLE(r.values()[row]);
                    default -> binary.writeFloatLE(r.confidence()[row]);
                }
            }
            g.writeObjectFieldStart("parameters");
            g.writeNumberField("binary_data_size", binary.readableBytes());
            g.writeEndObject();
        } else {
            g.writeArrayFieldStart("data");
            for (int row = 0; row < n; row++) {
                switch (name) {
                    case "label" -> g.writeString(m.classes().get(r.predictedClasses()[row]));
                    case "probabilities" -> {
                        for (int c = 0; c < k; c++) {
                            g.writeNumber(r.probabilities()[row][c]);
                        }
                    }
                    case "value" -> g.writeNumber(r.values()[row]);
                    default -> g.writeNumber(r.confidence()[row]);
                }
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
