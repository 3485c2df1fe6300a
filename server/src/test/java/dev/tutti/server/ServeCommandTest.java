package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.engine.testing.GoldenSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tutti serve} wiring: the bundled telco ensemble answers a v2 inference request over HTTP, then shuts down. */
class ServeCommandTest {

    @Test
    void shouldServeTheDefaultEnsembleOverHttpAndStopCleanly() throws Exception {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--binary-port", "0", "--http-port", "0");
        assertThat(command.ensemble.toString()).isEqualTo("ensembles/telco-churn/1");
        assertThat(command.executionConfig().workerSpin()).isEqualTo(Duration.ofNanos(200_000));
        try (Serving serving = Serving.start(GoldenSet.repoRoot().resolve(command.ensemble), command.transportConfig(), command.executionConfig())) {
            ByteArrayOutputStream announced = new ByteArrayOutputStream();
            ServeCommand.announce(serving, new PrintStream(announced, true, StandardCharsets.UTF_8));
            assertThat(announced.toString(StandardCharsets.UTF_8)).contains("telco-churn@1").contains("/v2/models/telco-churn/infer");
            String body = "{\"inputs\":[{\"name\":\"row\",\"shape\":[1,19],\"datatype\":\"BYTES\",\"data\":[\"0\",\"0\",\"1\",\"0\",\"1\",\"0\","
                    + "\"No phone service\",\"DSL\",\"No\",\"Yes\",\"No\",\"No\",\"No\",\"No\",\"Month-to-month\",\"1\","
                    + "\"Electronic check\",\"29.85\",\"29.85\"]}]}";
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serving.server().httpAddress().getPort()
                        + "/v2/models/telco-churn/infer")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"model_name\":\"telco-churn\"").contains("\"name\":\"label\"").contains("members_used");
            }
        }
    }

    @Test
    void shouldTakeTheWorkerSpinInMicrosecondsAndRefuseOneOutOfRange() {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--worker-spin-us", "0");
        assertThat(command.executionConfig().workerSpin()).isZero();
        new CommandLine(command).parseArgs("--worker-spin-us", "750");
        assertThat(command.executionConfig().workerSpin()).isEqualTo(Duration.ofNanos(750_000));
        new CommandLine(command).parseArgs("--worker-spin-us", "20000");
        assertThatThrownBy(command::executionConfig).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--worker-spin-us").hasMessageContaining("0 to 10000").hasMessageContaining("20000");
    }
}
