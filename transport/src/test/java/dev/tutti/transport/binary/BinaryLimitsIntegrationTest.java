package dev.tutti.transport.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.transport.TransportServer;
import dev.tutti.transport.client.ClientConfig;
import dev.tutti.transport.client.RemoteErrorException;
import dev.tutti.transport.client.ScoreOptions;
import dev.tutti.transport.client.ScoreResult;
import dev.tutti.transport.client.TuttiClient;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.ErrorDecoder;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.TransportConfig;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Frames;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Limits and shutdown of the binary server over loopback sockets, each test with its own server. */
class BinaryLimitsIntegrationTest {
    private FakeEnsemble fake;
    private TransportServer server;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeEnsemble("fake", 1);
        // one event loop: connections become active in the order they were made, so the third is the one refused
        server = TransportServer.start(new EnsembleRegistry().register(fake), new TransportConfig().binaryPort(0).httpPort(0).ioThreads(1)
                .maxFrameBytes(4096).maxConnections(2).idleTimeout(Duration.ofMillis(300)).drainTimeout(Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket socket() throws Exception {
        Socket s = new Socket("127.0.0.1", server.binaryAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one frame from the socket as a view. */
    private static UnsafeBuffer readFrame(InputStream in) throws Exception {
        DataInputStream data = new DataInputStream(in);
        byte[] length = new byte[4];
        data.readFully(length);
        int n = new UnsafeBuffer(length).getInt(0, FrameHeader.ORDER);
        byte[] frame = new byte[4 + n];
        System.arraycopy(length, 0, frame, 0, 4);
        data.readFully(frame, 4, n);
        return new UnsafeBuffer(frame);
    }

    @Test
    void shouldAnswerAFrameOverTheLimitWithAnErrorThenClose() throws Exception {
        try (Socket s = socket()) {
            byte[] big = Frames.scoreRequest(77, 0, EnsembleRef.latest("fake"), new float[2000], 1000, 2);
            s.getOutputStream().write(big, 0, 64); // the header alone is enough to refuse
            UnsafeBuffer f = readFrame(s.getInputStream());
            FrameHeader h = new FrameHeader().wrap(f, 0);
            assertThat(h.correlationId()).isEqualTo(77);
            assertThat(new ErrorDecoder().wrap(f, h.bodyOffset(), h.bodyLength()).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(s.getInputStream().read()).as("closed after the error").isEqualTo(-1);
        }
    }

    @Test
    void shouldRefuseAConnectionOverTheLimit() throws Exception {
        try (Socket a = socket(); Socket b = socket(); Socket c = socket()) {
            assertThat(b.isConnected()).isTrue();
            UnsafeBuffer f = readFrame(c.getInputStream());
            FrameHeader h = new FrameHeader().wrap(f, 0);
            assertThat(h.correlationId()).isZero();
            assertThat(new ErrorDecoder().wrap(f, h.bodyOffset(), h.bodyLength()).code()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
            assertThat(c.getInputStream().read()).isEqualTo(-1);
            a.getOutputStream().write(Frames.metadataRequest(1, EnsembleRef.latest("fake")));
            assertThat(new FrameHeader().wrap(readFrame(a.getInputStream()), 0).correlationId()).isEqualTo(1);
        }
    }

    @Test
    void shouldCloseAConnectionLeftIdle() throws Exception {
        try (Socket s = socket()) {
            assertThat(s.getInputStream().read()).as("closed by the server after the idle timeout").isEqualTo(-1);
        }
    }

    @Test
    void shouldAnswerRequestsInFlightWhenShuttingDownAndRefuseNewOnes() throws Exception {
        try (TuttiClient client = TuttiClient.connect(new ClientConfig().port(server.binaryAddress().getPort()))) {
            CompletableFuture<ScoreResult> inFlight = client.scoreAsync(EnsembleRef.latest("fake"), new float[] {0.4f, 1}, 1, 2,
                    ScoreOptions.DEFAULT);
            FakeEnsemble.Request request = fake.next();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            while (!server.draining()) {
                Thread.onSpinWait(); // until close() has begun
            }
            assertThatThrownBy(() -> client.score(EnsembleRef.latest("fake"), new float[] {0.1f, 1}, 1, 2))
                    .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
            assertThat(closing).isNotDone();
            request.answer();
            assertThat(inFlight.get().value(0)).isEqualTo(0.4f);
            closing.get();
        }
    }

    @Test
    void shouldRefuseTooManyRowsBeforeTouchingTheEngine() throws Exception {
        try (TuttiClient client = TuttiClient.connect(new ClientConfig().port(server.binaryAddress().getPort()))) {
            assertThatThrownBy(() -> client.score(EnsembleRef.latest("fake"), new float[130], 65, 2))
                    .isInstanceOfSatisfying(RemoteErrorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ROWS));
            assertThat(fake.submitted()).isEmpty();
        }
    }
}
