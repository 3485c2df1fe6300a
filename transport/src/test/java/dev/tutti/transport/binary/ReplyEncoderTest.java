package dev.tutti.transport.binary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.ErrorDecoder;
import dev.tutti.transport.protocol.FrameHeader;
import dev.tutti.transport.protocol.MemberSummary;
import dev.tutti.transport.protocol.ScoreResponseDecoder;
import dev.tutti.transport.testing.FakeEnsemble;
import dev.tutti.transport.testing.Frames;
import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplyEncoderTest {

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @AfterEach
    void noLeaks() {
        Leaks.assertNone();
    }

    @Test
    void shouldWriteEachReplyAsOneFrameOfExactlyItsLength() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReplyEncoder());
        ch.writeOutbound(new Reply.Score(21, FakeEnsemble.answer(new float[] {0.3f, 0, 0.6f, 1}, 2), 2, MemberSummary.allOf(2)),
                new Reply.Error(22, ErrorCode.OVERLOADED, -1, "busy"));
        ByteBuf score = ch.readOutbound();
        UnsafeBuffer s = Frames.view(score);
        FrameHeader h = new FrameHeader().wrap(s, 0);
        assertThat(h.frameLength() + 4).isEqualTo(score.readableBytes());
        assertThat(score.capacity()).isEqualTo(score.readableBytes());
        ScoreResponseDecoder d = new ScoreResponseDecoder().wrap(s, h.bodyOffset(), h.bodyLength());
        assertThat(d.validate()).isNull();
        assertThat(d.value(1)).isEqualTo(0.6f);
        score.release();
        ByteBuf error = ch.readOutbound();
        UnsafeBuffer e = Frames.view(error);
        h.wrap(e, 0);
        assertThat(h.correlationId()).isEqualTo(22);
        assertThat(new ErrorDecoder().wrap(e, h.bodyOffset(), h.bodyLength()).message()).isEqualTo("busy");
        error.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
