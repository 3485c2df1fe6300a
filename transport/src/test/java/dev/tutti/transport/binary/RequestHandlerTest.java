package dev.tutti.transport.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.metrics.TransportMetrics;
import dev.tutti.transport.netty.FrameDecoder;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.ErrorDecoder;
import dev.tutti.transport.protocol.ExplanationDecoder;
import dev.tutti.transport.protocol.Flags;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MessageType;
import dev.tutti.transport.protocol.MetadataResponseCodec;
import dev.tutti.transport.protocol.ScoreResponseDecoder;
import dev.tutti.transport.serving.Admission;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Frames;
import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binary request handler in its pipeline (encoder, framer, handler) on an embedded channel. */
class RequestHandlerTest {
    private static final EnsembleRef FAKE = EnsembleRef.latest("fake");
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
        ch = new EmbeddedChannel(new ReplyEncoder(), new FrameDecoder(4096),
                new RequestHandler(registry, admission, new TransportMetrics(registry), 8, 4));
    }

    @AfterEach
    void noLeaks() {
        ch.finishAndReleaseAll();
        Leaks.assertNone();
    }

    /** The next frame written, as a view (the buffer is released). */
    private UnsafeBuffer nextFrame() {
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("a frame was written").isNotNull();
        UnsafeBuffer view = Frames.view(out);
        out.release();
        return view;
    }

    private ErrorDecoder nextError(long id, ErrorCode code) {
        UnsafeBuffer f = nextFrame();
        FrameHeader h = new FrameHeader().wrap(f, 0);
        assertThat(MessageType.of(h.type())).isEqualTo(MessageType.ERROR);
        assertThat(h.correlationId()).isEqualTo(id);
        ErrorDecoder e = new ErrorDecoder().wrap(f, h.bodyOffset(), h.bodyLength());
        assertThat(e.code()).isEqualTo(code);
        return e;
    }

    private ByteBuf score(long id, float... rows) {
        return Frames.buf(Frames.scoreRequest(id, 0, FAKE, rows, rows.length / 2, 2));
    }

    @Test
    void shouldAnswerEachRequestWithItsCorrelationIdInCompletionOrder() throws Exception {
        ByteBuf a = score(10, 0.25f, 0);
        ByteBuf b = score(11, 0.5f, 1, 0.75f, 2);
        ch.writeInbound(a, b);
        assertThat(a.refCnt()).as("the frame is released once read").isZero();
        assertThat(b.refCnt()).isZero();
        FakeEnsemble.Request first = fake.next();
        FakeEnsemble.Request second = fake.next();
        second.answer();
        first.answer();
        for (long id : new long[] {11, 10}) {
            UnsafeBuffer f = nextFrame();
            FrameHeader h = new FrameHeader().wrap(f, 0);
            assertThat(h.correlationId()).isEqualTo(id);
            assertThat(MessageType.of(h.type())).isEqualTo(MessageType.SCORE_RESPONSE);
            ScoreResponseDecoder d = new ScoreResponseDecoder().wrap(f, h.bodyOffset(), h.bodyLength());
            assertThat(d.validate()).isNull();
            assertThat(d.rowCount()).isEqualTo(id == 11 ? 2 : 1);
            assertThat(d.value(0)).isEqualTo(id == 11 ? 0.5f : 0.25f);
            assertThat(d.membersUsed()).isEqualTo(0b11);
        }
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void shouldPassTheExplainFlagToTheEnsembleAndSendTheExplanationSection() throws Exception {
        ch.writeInbound(Frames.buf(Frames.scoreRequest(20, Flags.EXPLAIN, FAKE, new float[] {0.5f, 1, 0.25f, 2}, 2, 2)),
                score(21, 0.75f, 0));
        FakeEnsemble.Request explained = fake.next();
        FakeEnsemble.Request plain = fake.next();
        assertThat(explained.explain()).isTrue();
        assertThat(plain.explain()).as("a request without the flag asks for nothing more").isFalse();
        explained.answer();
        UnsafeBuffer f = nextFrame();
        FrameHeader h = new FrameHeader().wrap(f, 0);
        assertThat(h.correlationId()).isEqualTo(20);
        assertThat(h.flags()).isEqualTo(Flags.EXPLAINED);
        ScoreResponseDecoder d = new ScoreResponseDecoder().wrap(f, h.bodyOffset(), h.bodyLength(), h.flags());
        assertThat(d.validate()).isNull();
        ExplanationDecoder e = d.explanations();
        assertThat(e.rowCount()).isEqualTo(2);
        assertThat(e.memberCount()).isEqualTo(2);
        assertThat(e.combinedInSpace(1)).isEqualTo(0.25);
        assertThat(e.memberContribution(1, 1)).isEqualTo(0.125);
        plain.answer();
        UnsafeBuffer g = nextFrame();
        FrameHeader gh = new FrameHeader().wrap(g, 0);
        assertThat(gh.correlationId()).isEqualTo(21);
        assertThat(gh.flags()).isZero();
        assertThat(gh.bodyLength()).as("the layout of a plain answer is unchanged").isEqualTo(ScoreResponseDecoder.ROWS_OFFSET + 12 + 2 * 4);
    }

    @Test
    void shouldAnswerAMalformedExplainRequestWithAnErrorFrameAndReadOn() {
        byte[] bad = Frames.scoreRequest(8, Flags.EXPLAIN, FAKE, new float[] {1, 0}, 1, 2);
        new UnsafeBuffer(bad).putShort(FrameHeader.HEADER_LENGTH + 12, (short) 0, FrameHeader.ORDER); // feature count 0
        ch.writeInbound(Frames.buf(bad));
        assertThat(nextError(8, ErrorCode.MALFORMED_FRAME).message()).contains("feature count is 0");
        ch.writeInbound(Frames.buf(Frames.scoreRequest(9, Flags.EXPLAIN, FAKE, new float[] {1, 7}, 1, 2)));
        assertThat(nextError(9, ErrorCode.INVALID_INPUT).message()).contains("color");
        assertThat(ch.isOpen()).isTrue();
        assertThat(fake.submitted()).isEmpty();
    }

    @Test
    void shouldAnswerMetadataRequests() {
        ch.writeInbound(Frames.buf(Frames.metadataRequest(3, FAKE)));
        UnsafeBuffer f = nextFrame();
        FrameHeader h = new FrameHeader().wrap(f, 0);
        assertThat(MetadataResponseCodec.decode(f, h.bodyOffset(), h.bodyLength())).isEqualTo(fake.metadata());
    }

    @Test
    void shouldAnswerAMalformedBodyWithAnErrorFrameAndReadOn() {
        byte[] good = Frames.scoreRequest(5, 0, FAKE, new float[] {1, 0}, 1, 2);
        byte[] bad = good.clone();
        new UnsafeBuffer(bad).putInt(FrameHeader.HEADER_LENGTH + 8, 3, FrameHeader.ORDER); // row count 3: lengths disagree
        new UnsafeBuffer(bad).putLong(FrameHeader.CORRELATION_ID_OFFSET, 4, FrameHeader.ORDER);
        ch.writeInbound(Frames.buf(bad, good));
        assertThat(nextError(4, ErrorCode.MALFORMED_FRAME).message()).contains("3 rows");
        assertThat(ch.isOpen()).isTrue();
        fake.submitted().poll().answer();
        assertThat(new FrameHeader().wrap(nextFrame(), 0).correlationId()).isEqualTo(5);
    }

    @Test
    void shouldRefuseWhatItCannotServeWithTheRightCodes() {
        ch.writeInbound(Frames.buf(Frames.scoreRequest(1, 0, EnsembleRef.latest("other"), new float[] {1, 0}, 1, 2)));
        assertThat(nextError(1, ErrorCode.UNKNOWN_ENSEMBLE).message()).contains("no ensemble other");
        ch.writeInbound(Frames.buf(Frames.scoreRequest(2, 0, FAKE, new float[18], 9, 2)));
        assertThat(nextError(2, ErrorCode.TOO_MANY_ROWS).message()).contains("1 to 8 rows");
        ch.writeInbound(Frames.buf(Frames.scoreRequest(3, 0, FAKE, new float[3], 1, 3)));
        assertThat(nextError(3, ErrorCode.INVALID_INPUT).message()).contains("takes 2 features");
        ch.writeInbound(Frames.buf(Frames.scoreRequest(4, Flags.EXPLAIN, FAKE, new float[18], 9, 2)));
        assertThat(nextError(4, ErrorCode.TOO_MANY_ROWS).message()).as("explanations do not lift the row limit").contains("1 to 8 rows");
        ch.writeInbound(Frames.buf(Frames.scoreRequest(5, 0, FAKE, new float[] {1, 0, 1, 9}, 2, 2)));
        ErrorDecoder invalid = nextError(5, ErrorCode.INVALID_INPUT);
        assertThat(invalid.row()).isEqualTo(1);
        assertThat(invalid.message()).contains("color");
        ch.writeInbound(Frames.buf(Frames.raw(9, 1, 6, new byte[0])));
        assertThat(nextError(6, ErrorCode.UNSUPPORTED_VERSION).message()).contains("version 9");
        ch.writeInbound(Frames.buf(Frames.raw(1, 2, 7, new byte[0])));
        nextError(7, ErrorCode.UNKNOWN_MESSAGE_TYPE);
        assertThat(ch.isOpen()).isTrue();
        assertThat(fake.submitted()).isEmpty();
        assertThat(admission.inFlight()).isZero();
    }

    @Test
    void shouldSendAnErrorAndCloseWhenTheStreamCannotBeReadOn() {
        ch.writeInbound(Frames.buf(new byte[] {1, 0, 0, 0, 1, 1, 0, 0}));
        nextError(0, ErrorCode.MALFORMED_FRAME);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void shouldRefuseNewRequestsWhileShuttingDown() {
        admission.drain();
        ch.writeInbound(score(8, 1, 0));
        nextError(8, ErrorCode.SHUTTING_DOWN);
        assertThat(fake.submitted()).isEmpty();
    }

    @Test
    void shouldStopReadingAtTheInFlightLimitAndResumeWhenHalfAreAnswered() throws Exception {
        for (int i = 0; i < 4; i++) {
            ch.writeInbound(score(i + 1, 0.5f, 0));
        }
        assertThat(ch.config().isAutoRead()).isFalse();
        fake.next().answer();
        fake.next().answer();
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
        fake.next().answer();
        fake.next().answer();
        for (int i = 0; i < 4; i++) {
            nextFrame();
        }
    }

    @Test
    void shouldCloseAnIdleConnectionOnlyWhenNothingIsInFlight() throws Exception {
        ch.writeInbound(score(1, 0.5f, 0));
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isTrue();
        fake.next().answer();
        nextFrame();
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void shouldDropAnswersForAClosedConnectionWithoutLeaking() throws Exception {
        ch.writeInbound(score(1, 0.5f, 0));
        ch.close();
        fake.next().answer();
        ch.runPendingTasks();
        assertThat(ch.<Object>readOutbound()).isNull();
        assertThat(admission.inFlight()).isZero();
    }
}
