package dev.tutti.transport.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.transport.netty.FrameDecoder;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MemberSummary;
import dev.tutti.transport.protocol.ScoreRequestDecoder;
import dev.tutti.transport.protocol.ScoreResponseEncoder;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Frames;
import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's pipeline (request encoder, framer, handler) on an embedded channel. */
class ClientHandlerTest {
    private static final EnsembleRef FAKE = EnsembleRef.latest("fake");
    private ClientHandler handler;
    private EmbeddedChannel ch;

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @BeforeEach
    void channel() {
        handler = new ClientHandler();
        ch = new EmbeddedChannel(new RequestEncoder(), new FrameDecoder(1 << 20), handler);
    }

    @AfterEach
    void noLeaks() {
        ch.finishAndReleaseAll();
        Leaks.assertNone();
    }

    private Call.Score send(long id, float x, long timeoutMillis) {
        Call.Score call = new Call.Score(id, FAKE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), new float[] {x, 0}, 1, 2,
                ScoreOptions.tier(1));
        handler.register(call);
        ch.writeOutbound(call);
        ByteBuf frame = ch.readOutbound();
        UnsafeBuffer v = Frames.view(frame);
        frame.release();
        FrameHeader h = new FrameHeader().wrap(v, 0);
        assertThat(h.correlationId()).isEqualTo(id);
        ScoreRequestDecoder d = new ScoreRequestDecoder().wrap(v, h.bodyOffset(), h.bodyLength());
        assertThat(d.validate()).isNull();
        assertThat(d.tier()).isEqualTo(1);
        return call;
    }

    private static ByteBuf response(long id, float x) {
        var r = FakeEnsemble.answer(new float[] {x, 0}, 1);
        byte[] bytes = new byte[ScoreResponseEncoder.frameLength(r, 2, MemberSummary.allOf(2))];
        ScoreResponseEncoder.encode(new UnsafeBuffer(bytes), 0, id, r, 2, MemberSummary.allOf(2));
        return Frames.buf(bytes);
    }

    @Test
    void shouldCompleteCallsByCorrelationIdInWhateverOrderAnswersCome() throws Exception {
        Call.Score a = send(1, 0.1f, 10_000);
        Call.Score b = send(2, 0.2f, 10_000);
        ByteBuf rb = response(2, 0.2f);
        ByteBuf ra = response(1, 0.1f);
        ch.writeInbound(rb, ra);
        assertThat(rb.refCnt()).isZero();
        assertThat(ra.refCnt()).isZero();
        assertThat(b.future.get().value(0)).isEqualTo(0.2f);
        assertThat(a.future.get().value(0)).isEqualTo(0.1f);
        assertThat(a.future.get().membersUsedMask()).isEqualTo(0b11);
        assertThat(handler.pending()).isZero();
    }

    @Test
    void shouldFailACallWithTheErrorFramesCodeRowAndMessage() {
        Call.Score a = send(1, 0.1f, 10_000);
        ch.writeInbound(Frames.buf(Frames.error(1, ErrorCode.INVALID_INPUT, 0, "feature 'color' is missing")));
        assertThatThrownBy(a.future::join).cause().isInstanceOfSatisfying(RemoteErrorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(e.row()).isZero();
            assertThat(e.getMessage()).contains("feature 'color' is missing");
        });
    }

    @Test
    void shouldFailEveryCallOnAConnectionErrorAndOnClose() {
        Call.Score a = send(1, 0.1f, 10_000);
        Call.Score b = send(2, 0.1f, 10_000);
        ch.writeInbound(Frames.buf(Frames.error(0, ErrorCode.TOO_MANY_CONNECTIONS, -1, "full")));
        assertThatThrownBy(a.future::join).cause().isInstanceOf(RemoteErrorException.class);
        assertThatThrownBy(b.future::join).cause().isInstanceOf(RemoteErrorException.class);
        Call.Score c = send(3, 0.1f, 10_000);
        ch.close();
        assertThatThrownBy(c.future::join).cause().isInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void shouldTimeACallOutAndDropItsLateAnswer() {
        Call.Score a = send(1, 0.1f, 50);
        ch.advanceTimeBy(60, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThatThrownBy(a.future::join).cause().isInstanceOf(ClientTimeoutException.class);
        ByteBuf late = response(1, 0.1f);
        ch.writeInbound(late);
        assertThat(late.refCnt()).isZero();
        assertThat(handler.pending()).isZero();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void shouldCloseOnAFrameThatCannotBeRead() {
        Call.Score a = send(1, 0.1f, 10_000);
        ch.writeInbound(Frames.buf(Frames.raw(1, 2, 1, new byte[] {1, 2, 3})));
        assertThatThrownBy(a.future::join).cause().isInstanceOf(ConnectionClosedException.class).hasMessageContaining("malformed");
        assertThat(ch.isOpen()).isFalse();
    }
}
