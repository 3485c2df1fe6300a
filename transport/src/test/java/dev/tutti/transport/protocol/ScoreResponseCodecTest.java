package dev.tutti.transport.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.ContributionSpace;
import dev.tutti.engine.ensemble.RowExplanation;
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
        ScoreResponseDecoder d = new ScoreResponseDecoder().wrap(b, header.bodyOffset(), header.bodyLength(), header.flags());
        assertThat(d.validate()).isNull();
        return d;
    }

    /** Two rows of a degraded three-member answer (member c missing): row 0 in logit space, row 1 in value space. */
    private static ScoreResponse explainedAnswer() {
        RowExplanation row0 = new RowExplanation(0, ContributionSpace.LOGIT, 0, -0.25, 1.5, 0.8, List.of(
                new RowExplanation.Part("a", true, 0.9, 0.75, 1.25), new RowExplanation.Part("b", true, 0.7, 0.25, 0.5),
                new RowExplanation.Part("c", false, Double.NaN, 0, 0)));
        RowExplanation row1 = new RowExplanation(1, ContributionSpace.VALUE, 1, 0, 0.3, 0.5, List.of(
                new RowExplanation.Part("a", true, 0.3, 1, 0.3), new RowExplanation.Part("b", true, 0.1, 0, 0),
                new RowExplanation.Part("c", false, Double.NaN, 0, 0)));
        return new ScoreResponse(new float[] {0.82f, 0.3f}, new int[] {1, 0}, new float[][] {{0.18f, 0.82f}, {0.7f, 0.3f}},
                new float[] {0.8f, 0.5f}, List.of("a", "b"), List.of("c: timed out"), true, null, List.of(row0, row1));
    }

    private static final MemberSummary C_MISSING = new MemberSummary(3, 0b011, 0b100, -1, List.of("timed out"));

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

    @Test
    void shouldCarryEachRowsExplanationAfterTheReasons() {
        ScoreResponse r = explainedAnswer();
        FrameHeader h = new FrameHeader();
        ScoreResponseDecoder d = roundTrip(r, 2, C_MISSING, h);
        assertThat(h.flags()).isEqualTo(Flags.DEGRADED | Flags.EXPLAINED);
        assertThat(d.missingReasons()).containsExactly("timed out");
        assertThat(d.value(0)).isEqualTo(0.82f);
        assertThat(d.explained()).isTrue();
        ExplanationDecoder e = d.explanations();
        assertThat(e.layoutVersion()).isEqualTo(ExplanationDecoder.LAYOUT_VERSION);
        assertThat(e.rowCount()).isEqualTo(2);
        assertThat(e.memberCount()).isEqualTo(3);
        assertThat(e.space(0)).isEqualTo(ContributionSpace.LOGIT);
        assertThat(e.space(1)).isEqualTo(ContributionSpace.VALUE);
        assertThat(e.output(1)).isEqualTo(1);
        assertThat(e.membersPresent(0)).isEqualTo(0b011);
        assertThat(e.base(0)).isEqualTo(-0.25);
        assertThat(e.combinedInSpace(0)).isEqualTo(1.5);
        assertThat(e.consensus(1)).isEqualTo(0.5);
        assertThat(e.memberOutput(0, 0)).isEqualTo(0.9);
        assertThat(e.memberWeight(0, 1)).isEqualTo(0.25);
        assertThat(e.memberContribution(0, 0)).isEqualTo(1.25);
        assertThat(e.memberOutput(0, 2)).isNaN();
        assertThat(e.memberContribution(1, 0)).isEqualTo(0.3);
        long plain = ScoreResponseEncoder.frameLength(withoutExplanations(r), 2, C_MISSING);
        assertThat(ScoreResponseEncoder.frameLength(r, 2, C_MISSING)).isEqualTo(plain + 8 + 2 * (40 + 24 * 3));
    }

    private static ScoreResponse withoutExplanations(ScoreResponse r) {
        return new ScoreResponse(r.values(), r.predictedClasses(), r.probabilities(), r.confidence(), r.membersUsed(), r.membersMissing(),
                r.degraded(), r.fallbackMember());
    }

    @Test
    void shouldWriteAnAnswerWithoutExplanationsExactlyAsBefore() {
        ScoreResponse plain = withoutExplanations(explainedAnswer());
        FrameHeader h = new FrameHeader();
        ScoreResponseDecoder d = roundTrip(plain, 2, C_MISSING, h);
        assertThat(h.flags()).isEqualTo(Flags.DEGRADED);
        assertThat(h.bodyLength()).isEqualTo(ScoreResponseDecoder.ROWS_OFFSET + 2 * (12 + 2 * 4) + 2 + "timed out".length());
        assertThat(d.explained()).isFalse();
        assertThatThrownBy(d::explanations).isInstanceOf(IllegalStateException.class).hasMessageContaining("no explanations");
    }

    @Test
    void shouldRejectAnExplanationSectionItCannotRead() {
        ScoreResponse r = explainedAnswer();
        UnsafeBuffer b = new UnsafeBuffer(new byte[ScoreResponseEncoder.frameLength(r, 2, C_MISSING)]);
        ScoreResponseEncoder.encode(b, 0, 1, r, 2, C_MISSING);
        FrameHeader h = new FrameHeader().wrap(b, 0);
        int section = h.bodyOffset() + ScoreResponseDecoder.ROWS_OFFSET + 2 * (12 + 2 * 4) + 2 + "timed out".length();
        ScoreResponseDecoder d = new ScoreResponseDecoder();

        assertThat(d.wrap(b, h.bodyOffset(), h.bodyLength()).validate()).as("read without the flag").contains("counts say");
        assertThat(d.wrap(b, h.bodyOffset(), h.bodyLength() - 1, h.flags()).validate()).contains("explanation section has", "counts say");
        b.putByte(section + ExplanationDecoder.ROWS_OFFSET + 4, (byte) 9); // row 0's space
        assertThat(d.wrap(b, h.bodyOffset(), h.bodyLength(), h.flags()).validate()).contains("unknown contribution space 9");
        b.putByte(section + ExplanationDecoder.MEMBER_COUNT_OFFSET, (byte) 2);
        assertThat(d.wrap(b, h.bodyOffset(), h.bodyLength(), h.flags()).validate()).contains("rows of 2 members");
        b.putByte(section + ExplanationDecoder.LAYOUT_OFFSET, (byte) 2);
        assertThat(d.wrap(b, h.bodyOffset(), h.bodyLength(), h.flags()).validate()).contains("explanation layout 2 is not read here");
    }

    @Test
    void shouldRefuseToEncodeAnExplanationThatDoesNotNameEveryMember() {
        ScoreResponse r = explainedAnswer();
        MemberSummary four = new MemberSummary(4, 0b0011, 0b0100, -1, List.of("timed out"));
        UnsafeBuffer b = new UnsafeBuffer(new byte[ScoreResponseEncoder.frameLength(r, 2, four)]);
        assertThatThrownBy(() -> ScoreResponseEncoder.encode(b, 0, 1, r, 2, four)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names 3 members; the ensemble has 4");
    }
}
