package dev.tutti.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.transport.TransportServer;
import dev.tutti.transport.client.HttpLoadClient;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.OpenInferenceSchema;
import dev.tutti.transport.testing.Telco;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP server (Open Inference Protocol) end to end over loopback, responses checked against the protocol's schema. */
class HttpServerIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Telco telco;
    private static FakeEnsemble fake;
    private static TransportServer server;
    private static HttpClient http;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        telco = new Telco();
        fake = new FakeEnsemble("fake", 1);
        server = TransportServer.start(new EnsembleRegistry().register(telco.served, "champion").register(fake),
                new TransportConfig().binaryPort(0).httpPort(0).maxHttpBodyBytes(64 * 1024).maxRowsPerRequest(256));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        base = "http://127.0.0.1:" + server.httpAddress().getPort();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
        telco.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One tensor per feature, categorical ones as BYTES labels, for golden rows {@code from .. from+n-1}. */
    private static String perFeatureRequest(int from, int n) {
        StringBuilder b = new StringBuilder("{\"id\":\"req-1\",\"inputs\":[");
        var features = telco.golden.schema().features();
        for (int f = 0; f < features.size(); f++) {
            var feature = features.get(f);
            b.append(f == 0 ? "" : ",").append("{\"name\":\"").append(feature.name()).append("\",\"shape\":[").append(n)
                    .append("],\"datatype\":\"").append(feature.isCategorical() ? "BYTES" : "FP32").append("\",\"data\":[");
            for (int r = 0; r < n; r++) {
                String cell = telco.golden.cell(from + r, feature.name());
                b.append(r == 0 ? "" : ",");
                if (feature.isCategorical()) {
                    b.append('"').append(cell).append('"');
                } else {
                    b.append(cell.isEmpty() ? "null" : cell);
                }
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    @Test
    void shouldAnswerServerMetadataAndHealth() throws Exception {
        HttpResponse<String> meta = get("/v2");
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(OpenInferenceSchema.violations("metadata_server_response", meta.body())).isEmpty();
        assertThat(JSON.readTree(meta.body()).get("extensions").toString()).contains("binary_tensor_data");
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/v2/models/telco-churn/ready").statusCode()).isEqualTo(200);
        assertThat(get("/v2/models/telco-churn/versions/1/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldDescribeTheModelWithCategoricalInputsAsBytes() throws Exception {
        HttpResponse<String> r = get("/v2/models/telco-churn/versions/1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(OpenInferenceSchema.violations("metadata_model_response", r.body())).isEmpty();
        JsonNode m = JSON.readTree(r.body());
        assertThat(m.get("versions").toString()).isEqualTo("[\"1\"]");
        JsonNode inputs = m.get("inputs");
        assertThat(inputs).hasSize(telco.golden.schema().width());
        for (JsonNode input : inputs) {
            boolean categorical = telco.golden.schema().feature(telco.golden.schema().indexOf(input.get("name").asText())).isCategorical();
            assertThat(input.get("datatype").asText()).isEqualTo(categorical ? "BYTES" : "FP32");
        }
        assertThat(get("/v2/models/telco-churn/versions/champion").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldInferFromOneTensorPerFeatureLikeTheInProcessScorer() throws Exception {
        int n = 5;
        HttpResponse<String> r = post("/v2/models/telco-churn/infer", perFeatureRequest(0, n));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(OpenInferenceSchema.violations("inference_response", r.body())).isEmpty();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("model_name").asText()).isEqualTo("telco-churn");
        assertThat(body.get("model_version").asText()).isEqualTo("1");
        assertThat(body.get("id").asText()).isEqualTo("req-1");
        assertThat(body.at("/parameters/members_used").asText().split(",")).hasSize(5);
        assertThat(body.at("/parameters/degraded").asBoolean()).isFalse();
        Predictions expected = telco.expected(n);
        JsonNode outputs = body.get("outputs");
        assertThat(outputs.findValuesAsText("name")).containsExactly("label", "probabilities", "value", "confidence");
        for (int row = 0; row < n; row++) {
            assertThat(outputs.get(0).get("data").get(row).asText()).isEqualTo(expected.label(row));
            assertThat(outputs.get(2).get("data").get(row).floatValue()).isCloseTo(expected.value(row), within(1e-6f));
            assertThat(outputs.get(3).get("data").get(row).floatValue()).isCloseTo(expected.confidence(row), within(1e-6f));
        }
        assertThat(outputs.get(1).get("shape").toString()).isEqualTo("[" + n + ",2]");
    }

    @Test
    void shouldInferFromOneBytesMatrixOfTextCells() throws Exception {
        var features = telco.golden.schema().features();
        StringBuilder data = new StringBuilder();
        for (var f : features) {
            data.append(data.isEmpty() ? "" : ",").append('"').append(telco.golden.cell(7, f.name())).append('"');
        }
        String body = "{\"inputs\":[{\"name\":\"rows\",\"shape\":[1," + features.size() + "],\"datatype\":\"BYTES\",\"data\":[" + data
                + "]}],\"outputs\":[{\"name\":\"value\"}]}";
        HttpResponse<String> r = post("/v2/models/telco-churn/versions/1/infer", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode outputs = JSON.readTree(r.body()).get("outputs");
        assertThat(outputs).hasSize(1);
        Predictions expected = telco.expected(8);
        assertThat(outputs.get(0).get("data").get(0).floatValue()).isCloseTo(expected.value(7), within(1e-6f));
    }

    @Test
    void shouldReadAndWriteBinaryTensorData() throws Exception {
        // x as FP32 binary data, color as BYTES binary data; outputs asked for as binary
        ByteBuffer x = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(0.75f);
        ByteArrayOutputStream colors = new ByteArrayOutputStream();
        for (String c : List.of("red", "blue")) {
            colors.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(c.length()).array());
            colors.write(c.getBytes(StandardCharsets.UTF_8));
        }
        String json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"color\",\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":" + colors.size() + "}}],"
                + "\"outputs\":[{\"name\":\"value\",\"parameters\":{\"binary_data\":true}},{\"name\":\"label\"}]}";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(json.getBytes(StandardCharsets.UTF_8));
        body.write(x.array());
        body.write(colors.toByteArray());
        var request = HttpRequest.newBuilder(URI.create(base + "/v2/models/fake/infer"))
                .header("Inference-Header-Content-Length", Integer.toString(json.getBytes(StandardCharsets.UTF_8).length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        var pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        FakeEnsemble.Request submitted = fake.next();
        assertThat(submitted.rows()).containsExactly(0.25f, 0, 0.75f, 2);
        submitted.answer();
        HttpResponse<byte[]> r = pending.get();
        assertThat(r.statusCode()).isEqualTo(200);
        int jsonLength = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode head = JSON.readTree(new String(r.body(), 0, jsonLength, StandardCharsets.UTF_8));
        assertThat(head.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(8);
        assertThat(head.at("/outputs/1/data/1").asText()).isEqualTo("yes");
        ByteBuffer values = ByteBuffer.wrap(r.body(), jsonLength, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(values.getFloat()).isEqualTo(0.25f);
        assertThat(values.getFloat()).isEqualTo(0.75f);
    }

    @Test
    void shouldAnswerErrorsAsJsonWithFittingStatus() throws Exception {
        record Case(String method, String path, String body, int status, String says) {}
        List<Case> cases = List.of(
                new Case("GET", "/v2/models/nope", null, 404, "no model 'nope'"),
                new Case("POST", "/v2/models/nope/infer", "{}", 404, "no model 'nope'"),
                new Case("GET", "/v3", null, 404, "no endpoint"),
                new Case("GET", "/v2/models/telco-churn/infer", null, 405, "POST"),
                new Case("POST", "/v2/models/telco-churn/infer", "{not json", 400, "not valid JSON"),
                new Case("POST", "/v2/models/telco-churn/infer", "{\"outputs\":[]}", 400, "no 'inputs'"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}",
                        400, "no input for feature 'color'"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
                        + "{\"name\":\"color\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"purple\"]}]}", 400, "unknown category 'purple'"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
                        + "{\"name\":\"color\",\"shape\":[1],\"datatype\":\"INT32\",\"data\":[1]}]}", 400, "send its labels as a BYTES tensor"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"m\",\"shape\":[2,2],\"datatype\":\"BYTES\","
                        + "\"data\":[\"1\",\"red\",\"2\"]}]}", 400, "has 3 elements"),
                new Case("POST", "/v2/models/fake/infer", "{\"parameters\":{\"explain\":true},\"inputs\":[]}", 400, "no input for feature"),
                new Case("POST", "/v2/models/fake/infer", "{\"parameters\":{\"explain\":\"yes\"},\"inputs\":[]}", 400, "explain"),
                new Case("POST", "/v2/models/fake/infer", "{\"parameters\":{\"explain\":true},\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],"
                        + "\"datatype\":\"BYTES\",\"data\":[\"1\",\"purple\"]}]}", 400, "unknown category 'purple'"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\","
                        + "\"data\":[\"1\",\"red\"]}],\"outputs\":[{\"name\":\"bogus\"}]}", 400, "unknown output 'bogus'"),
                new Case("POST", "/v2/models/fake/infer", "{\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\","
                        + "\"data\":[\"1\",\"red\"]}], \"pad\":\"" + "x".repeat(70_000) + "\"}", 413, "larger than the limit"));
        for (Case c : cases) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path()));
            b = c.body() == null ? b.method(c.method(), HttpRequest.BodyPublishers.noBody())
                    : b.method(c.method(), HttpRequest.BodyPublishers.ofString(c.body()));
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError(c.method() + " " + c.path() + " (expecting " + c.status() + ", " + c.says() + "): " + e, e);
            }
            assertThat(r.statusCode()).as(c.method() + " " + c.path() + ": " + r.body()).isEqualTo(c.status());
            assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(OpenInferenceSchema.violations("inference_error_response", r.body())).isEmpty();
            assertThat(JSON.readTree(r.body()).get("error").asText()).contains(c.says());
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderEvenWhenTheLaterCompletesFirst() throws Exception {
        String first = "{\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"0.1\",\"red\"]}],\"outputs\":[{\"name\":\"value\"}]}";
        String second = "{\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"0.9\",\"green\"]}],\"outputs\":[{\"name\":\"value\"}]}";
        try (Socket socket = new Socket("127.0.0.1", server.httpAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            for (String body : List.of(first, second)) {
                out.write(("POST /v2/models/fake/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            FakeEnsemble.Request a = fake.next();
            FakeEnsemble.Request b = fake.next();
            b.answer(); // the second completes first; its response must wait for the first's
            a.answer();
            String responses = readResponses(socket.getInputStream(), 2);
            assertThat(responses.indexOf("0.1")).isPositive().isLessThan(responses.indexOf("0.9"));
        }
    }

    private static String readResponses(InputStream in, int count) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[4096];
        while (text.toString().split("HTTP/1.1 200").length - 1 < count || !text.toString().trim().endsWith("}")
                || text.toString().split("\"outputs\"").length - 1 < count) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    @Test
    void shouldExposePrometheusMetricsConfigAndStats() throws Exception {
        try (HttpLoadClient load = new HttpLoadClient("127.0.0.1", server.httpAddress().getPort(), 1)) {
            ByteBuf body = HttpLoadClient.body(perFeatureRequest(0, 1));
            try {
                HttpLoadClient.Answer answer = load.post("/v2/models/telco-churn/infer", body).get();
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            } finally {
                body.release();
            }
        }
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        assertThat(metrics.body()).contains("tutti_requests_total{ensemble=\"telco-churn\",outcome=\"ok\",protocol=\"http\",version=\"1\"}")
                .contains("tutti_request_duration_seconds_bucket{ensemble=\"telco-churn\",protocol=\"http\",version=\"1\",le=\"0.001\"}")
                .contains("tutti_member_latency_seconds{ensemble=\"telco-churn\",member=\"xgboost\",version=\"1\",quantile=\"0.99\"}")
                .contains("tutti_engine_stage_latency_seconds_count{ensemble=\"telco-churn\",stage=\"end-to-end\",version=\"1\"}")
                .contains("tutti_member_calls_total{ensemble=\"telco-churn\",member=\"lightgbm\",result=\"called\",version=\"1\"}")
                .contains("tutti_connections_http");
        JsonNode config = JSON.readTree(get("/v2/models/telco-churn/config").body());
        assertThat(config.get("max_batch_size").asInt()).isEqualTo(1024);
        assertThat(config.get("input")).hasSize(telco.golden.schema().width());
        JsonNode stats = JSON.readTree(get("/v2/models/telco-churn/versions/1/stats").body());
        assertThat(stats.at("/model_stats/0/inference_stats/success/count").asLong()).isPositive();
        assertThat(JSON.readTree(get("/v2/models/stats").body()).get("model_stats")).hasSize(2);
    }

    /** {@link #perFeatureRequest} with {@code parameters} added to the request. */
    private static String withParameters(String request, String parameters) {
        return "{\"parameters\":" + parameters + "," + request.substring(1);
    }

    @Test
    void shouldPutEachRowsExplanationInTheResponseParametersWhenAsked() throws Exception {
        int n = 4;
        HttpResponse<String> r = post("/v2/models/telco-churn/infer",
                withParameters(perFeatureRequest(30, n), "{\"explain\":true,\"budget_ms\":5000}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(OpenInferenceSchema.violations("inference_response", r.body())).isEmpty();
        JsonNode parameters = JSON.readTree(r.body()).get("parameters");
        parameters.properties().forEach(p -> assertThat(p.getValue().isValueNode())
                .as("parameter %s is a string, number or boolean, as the protocol allows", p.getKey()).isTrue());
        JsonNode rows = JSON.readTree(parameters.get("explanations").asText());
        Predictions inProcess = new Predictions(telco.inProcess, n);
        telco.inProcess.newScorer(n).score(telco.golden.encodedRows(30, n), n, 0, inProcess, true);
        assertThat(rows).hasSize(n);
        for (int row = 0; row < n; row++) {
            RowExplanation want = inProcess.explanations().get(row);
            JsonNode got = rows.get(row);
            assertThat(got.get("row").asInt()).isEqualTo(row);
            assertThat(got.get("output").asInt()).isEqualTo(want.output());
            assertThat(got.get("space").asText()).isEqualTo(want.space().name().toLowerCase(java.util.Locale.ROOT));
            assertThat(got.get("base").asDouble()).isCloseTo(want.base(), within(1e-6));
            assertThat(got.get("combined").asDouble()).isCloseTo(want.combinedInSpace(), within(1e-6));
            assertThat(got.get("consensus").asDouble()).isCloseTo(want.consensus(), within(1e-6));
            JsonNode members = got.get("members");
            assertThat(members).hasSize(want.members().size());
            for (int m = 0; m < members.size(); m++) {
                RowExplanation.Part w = want.members().get(m);
                assertThat(members.get(m).get("name").asText()).isEqualTo(w.member());
                assertThat(members.get(m).get("present").asBoolean()).isEqualTo(w.present());
                assertThat(members.get(m).get("output").asDouble()).isCloseTo(w.output(), within(1e-6));
                assertThat(members.get(m).get("weight").asDouble()).isCloseTo(w.weight(), within(1e-9));
                assertThat(members.get(m).get("contribution").asDouble()).isCloseTo(w.contribution(), within(1e-6));
            }
        }
    }

    @Test
    void shouldLeaveTheResponseWithoutExplanationsUnlessAsked() throws Exception {
        for (String parameters : List.of("{}", "{\"explain\":false}")) {
            HttpResponse<String> r = post("/v2/models/telco-churn/infer", withParameters(perFeatureRequest(0, 2), parameters));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("parameters").has("explanations")).as(parameters).isFalse();
            assertThat(body.at("/parameters/members_used").asText()).isNotEmpty();
        }
    }

    @Test
    void shouldExplainAMissingMembersOutputAsNull() throws Exception {
        String json = "{\"parameters\":{\"explain\":true},\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\","
                + "\"data\":[\"0.25\",\"red\"]}]}";
        var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v2/models/fake/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        FakeEnsemble.Request submitted = fake.next();
        assertThat(submitted.explain()).isTrue();
        RowExplanation e = new RowExplanation(0, dev.tutti.combine.ContributionSpace.VALUE, 0, 0, 0.25, 1, List.of(
                new RowExplanation.Part("a", true, 0.25, 1, 0.25), new RowExplanation.Part("b", false, Double.NaN, 0, 0)));
        submitted.future().complete(new dev.tutti.engine.serving.ScoreResponse(new float[] {0.25f}, new int[] {0},
                new float[][] {{0.75f, 0.25f}}, new float[] {1}, List.of("a"), List.of("b: timed out"), true, null, List.of(e)));
        HttpResponse<String> r = pending.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(OpenInferenceSchema.violations("inference_response", r.body())).isEmpty();
        JsonNode row = JSON.readTree(JSON.readTree(r.body()).at("/parameters/explanations").asText()).get(0);
        assertThat(row.at("/members/1/present").asBoolean()).isFalse();
        assertThat(row.at("/members/1/output").isNull()).isTrue();
        assertThat(row.at("/members/0/contribution").asDouble()).isEqualTo(0.25);
    }
}
