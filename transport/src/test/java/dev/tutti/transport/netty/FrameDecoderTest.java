package dev.tutti.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.testing.Frames;
import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final byte[] A = Frames.scoreRequest(1, 0, EnsembleRef.latest("m"), new float[] {1, 2}, 1, 2);
    private static final byte[] B = Frames.metadataRequest(2, EnsembleRef.latest("m"));

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @AfterEach
    void noLeaks() {
        Leaks.assertNone();
    }

    @Test
    void shouldEmitWholeFramesFromBytesArrivingInPieces() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        byte[] both = Frames.concat(A, B);
        for (int i = 0; i < both.length; i += 5) {
            ch.writeInbound(Frames.buf(java.util.Arrays.copyOfRange(both, i, Math.min(both.length, i + 5))));
        }
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertThat(Frames.header(first).correlationId()).isEqualTo(1);
        assertThat(first.readableBytes()).isEqualTo(A.length);
        assertThat(Frames.header(second).correlationId()).isEqualTo(2);
        assertThat(second.readableBytes()).isEqualTo(B.length);
        assertThat(ch.<Object>readInbound()).isNull();
        first.release();
        second.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldEmitSeveralFramesFromOneRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        ch.writeInbound(Frames.buf(A, B, A));
        for (long id : new long[] {1, 2, 1}) {
            ByteBuf frame = ch.readInbound();
            assertThat(Frames.header(frame).correlationId()).isEqualTo(id);
            frame.release();
        }
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldReportAFrameOverTheLimitWithItsCorrelationIdAndDiscardTheRest() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(A.length - 1));
        ch.writeInbound(Frames.buf(A, B));
        UnreadableStream u = ch.readInbound();
        assertThat(u.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(u.correlationId()).isEqualTo(1);
        ch.writeInbound(Frames.buf(B)); // nothing after an unreadable stream is decoded
        assertThat(ch.<Object>readInbound()).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void shouldReportALengthBelowTheHeaderAsUnreadable() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1024));
        ch.writeInbound(Frames.buf(new byte[] {3, 0, 0, 0, 9, 9, 9}));
        UnreadableStream u = ch.readInbound();
        assertThat(u.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(u.correlationId()).isZero();
        assertThat(u.message()).contains("below the header");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
