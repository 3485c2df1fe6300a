package dev.tutti.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP handlers (codec, keep-alive, body limit, request handler) on an embedded channel, fed raw HTTP bytes. */
class HttpRequestHandlerTest {
    private static final String INFER = "{\"inputs\":[{\"name\":\"m\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"%s\",\"red\"]}],"
            + "\"outputs\":[{\"name\":\"value\"}]}";
    private FakeEnsemble fake;
    private Admission admission;
    private EmbeddedChannel ch;

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @BeforeEach
    void channel() {
        fake = new FakeEnsemble("fake", 1);
        admission = new Admission();
        EnsembleRegistry registry = new EnsembleRegistry().register(fake);
        HttpApi api = new HttpApi(registry, admission, new TransportMetrics(registry), new TransportConfig().maxHttpBodyBytes(2048));
        ch = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new BodyLimitAggregator(2048),
                new HttpRequestHandler(api));
    }

    @AfterEach
    void noLeaks() {
        ch.finishAndReleaseAll();
        Leaks.assertNone();
    }

    private static ByteBuf request(String method, String path, String body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n";
        return Unpooled.copiedBuffer(head + body, StandardCharsets.UTF_8);
    }

    /** Everything written so far, as text. */
    private String written() {
        ch.runPendingTasks();
        StringBuilder text = new StringBuilder();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            text.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return text.toString();
    }

    @Test
    void shouldAnswerPipelinedRequestsInRequestOrder() throws Exception {
        ByteBuf first = request("POST", "/v2/models/fake/infer", INFER.formatted("0.1"));
        ByteBuf second = request("POST", "/v2/models/fake/infer", INFER.formatted("0.9"));
        ByteBuf third = request("GET", "/v2/health/live", "");
        ch.writeInbound(first, second, third);
        assertThat(first.refCnt()).isZero();
        FakeEnsemble.Request a = fake.next();
        FakeEnsemble.Request b = fake.next();
        b.answer();
        assertThat(written()).as("the second waits for the first").isEmpty();
        a.answer();
        String text = written();
        assertThat(text.indexOf("0.1")).isPositive().isLessThan(text.indexOf("0.9"));
        assertThat(text.split("HTTP/1.1 200 OK")).hasSize(4);
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void shouldAnswerErrorsAsJson() {
        ch.writeInbound(request("POST", "/v2/models/fake/infer", "{not json"));
        String text = written();
        assertThat(text).startsWith("HTTP/1.1 400 Bad Request").contains("content-type: application/json").contains("{\"error\":\"the body is not valid JSON");
        ch.writeInbound(request("DELETE", "/v2/models/fake", ""));
        assertThat(written()).startsWith("HTTP/1.1 405").contains("takes GET");
        admission.drain();
        ch.writeInbound(request("POST", "/v2/models/fake/infer", INFER.formatted("0.5")));
        assertThat(written()).startsWith("HTTP/1.1 503").contains("shutting down");
        ch.writeInbound(request("GET", "/v2/health/ready", ""));
        assertThat(written()).startsWith("HTTP/1.1 503");
    }

    @Test
    void shouldRefuseABodyOverTheLimitWith413DiscardItAndServeTheNextRequest() {
        ch.writeInbound(request("POST", "/v2/models/fake/infer", "x".repeat(3000)));
        assertThat(written()).startsWith("HTTP/1.1 413").contains("larger than the limit of 2048 bytes");
        assertThat(ch.isOpen()).as("a keep-alive connection stays usable once the body is discarded").isTrue();
        ch.writeInbound(request("GET", "/v2/health/live", ""));
        assertThat(written()).startsWith("HTTP/1.1 200");
    }

    @Test
    void shouldRefuseABodyOverTheLimitWith413AndCloseWhenTheClientAskedToClose() {
        String body = "x".repeat(3000);
        ch.writeInbound(Unpooled.copiedBuffer("POST /v2/models/fake/infer HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body, StandardCharsets.UTF_8));
        assertThat(written()).startsWith("HTTP/1.1 413").contains("connection: close");
    }

    @Test
    void shouldDropAResponseWhoseConnectionClosedWithoutLeaking() throws Exception {
        ch.writeInbound(request("POST", "/v2/models/fake/infer", INFER.formatted("0.3")));
        FakeEnsemble.Request r = fake.next();
        ch.close();
        r.answer();
        assertThat(written()).isEmpty();
    }

    @Test
    void shouldCloseAnIdleConnectionOnlyWithNothingPending() throws Exception {
        ch.writeInbound(request("POST", "/v2/models/fake/infer", INFER.formatted("0.3")));
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isTrue();
        fake.next().answer();
        assertThat(written()).startsWith("HTTP/1.1 200");
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isFalse();
    }
}
