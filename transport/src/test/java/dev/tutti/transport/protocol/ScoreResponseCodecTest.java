package dev.tutti.transport.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.serving.ScoreResponse;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ScoreResponseCodecTest {

    private static ScoreResponseDecoder roundTrip(ScoreResponse r, int classes, MemberSummary members, FrameHeader header) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[ScoreResponseEncoder.frameLength(r, classes, members)]);
        assertThat(ScoreResponseEncoder.encode(b, 0, 7L, r, classes, members)).isEqualTo(b.capacity());
        header.wrap(b, 0);
        assertThat(header.correlationId()).isEqualTo(7L);
        assertThat(MessageType.of(header.type())).isEqualTo(MessageType.SCORE_RESPONSE);
        ScoreResponseDecoder d = new ScoreResponseDecoder().wrap(b, header.bodyOffset(), header.bodyLength());
        assertThat(d.validate()).isNull();
        return d;
    }

    @Test
    void shouldCarryEveryRowsValueClassConfidenceAndProbabilities() {
        ScoreResponse r = new ScoreResponse(new float[] {0.2f, 0.9f}, new int[] {0, 1}, new float[][] {{0.8f, 0.2f}, {0.1f, 0.9f}},
                new float[] {0.6f, 0.95f}, List.of("a", "b", "c"), List.of(), false, null);
        FrameHeader h = new FrameHeader();
        ScoreResponseDecoder d = roundTrip(r, 2, MemberSummary.allOf(3), h);
        assertThat(h.flags()).isZero();
        assertThat(d.rowCount()).isEqualTo(2);
        assertThat(d.classCount()).isEqualTo(2);
        assertThat(d.memberCount()).isEqualTo(3);
        assertThat(d.membersUsed()).isEqualTo(0b111);
        assertThat(d.membersMissing()).isZero();
        assertThat(d.fallbackMember()).isEqualTo(-1);
        assertThat(d.value(1)).isEqualTo(0.9f);
        assertThat(d.predictedClass(0)).isZero();
        assertThat(d.confidence(1)).isEqualTo(0.95f);
        assertThat(d.probability(0, 0)).isEqualTo(0.8f);
        assertThat(d.probability(1, 1)).isEqualTo(0.9f);
        assertThat(d.missingReasons()).isEmpty();
    }

    @Test
    void shouldFlagDegradedAndFallbackAnswersWithTheMissingMembersReasons() {
        ScoreResponse r = new ScoreResponse(new float[] {3.5f}, new int[] {-1}, new float[][] {{}}, new float[] {0.4f}, List.of("b"),
                List.of("a: timed out", "c: threw"), true, "b");
        FrameHeader h = new FrameHeader();
        ScoreResponseDecoder d = roundTrip(r, 0, new MemberSummary(3, 0b010, 0b101, 1, List.of("timed out", "threw")), h);
        assertThat(h.flags()).isEqualTo(Flags.DEGRADED | Flags.FALLBACK);
        assertThat(d.classCount()).isZero();
        assertThat(d.value(0)).isEqualTo(3.5f);
        assertThat(d.predictedClass(0)).isEqualTo(-1);
        assertThat(d.fallbackMember()).isEqualTo(1);
        assertThat(d.membersMissing()).isEqualTo(0b101);
        assertThat(d.missingReasons()).containsExactly("timed out", "threw");
    }

    @Test
    void shouldRejectATruncatedBody() {
        ScoreResponse r = new ScoreResponse(new float[] {1}, new int[] {0}, new float[][] {{1, 0}}, new float[] {1}, List.of("a"), List.of(),
                false, null);
        UnsafeBuffer b = new UnsafeBuffer(new byte[ScoreResponseEncoder.frameLength(r, 2, MemberSummary.allOf(1))]);
        ScoreResponseEncoder.encode(b, 0, 1, r, 2, MemberSummary.allOf(1));
        int body = FrameHeader.HEADER_LENGTH;
        assertThat(new ScoreResponseDecoder().wrap(b, body, b.capacity() - body - 1).validate()).contains("counts say");
    }
}
