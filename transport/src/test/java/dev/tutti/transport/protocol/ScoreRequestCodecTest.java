package dev.tutti.transport.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ScoreRequestCodecTest {

    private static UnsafeBuffer encode(EnsembleRef ref, int tier, int budget, float[] rows, int n, int f) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[ScoreRequestEncoder.frameLength(ref, n, f) + 8]);
        int written = ScoreRequestEncoder.encode(b, 8, 42L, Flags.EXPLAIN, ref, tier, budget, rows, n, f);
        assertThat(written).isEqualTo(ScoreRequestEncoder.frameLength(ref, n, f));
        return b;
    }

    @Test
    void shouldRoundTripEveryFieldAtAnOffset() {
        float[] rows = {1.5f, Float.NaN, -3, 0, 7, 1e-7f};
        UnsafeBuffer b = encode(EnsembleRef.alias("telco-churn", "champion"), 2, 1500, rows, 2, 3);
        FrameHeader h = new FrameHeader().wrap(b, 8);
        assertThat(h.version()).isEqualTo(1);
        assertThat(MessageType.of(h.type())).isEqualTo(MessageType.SCORE_REQUEST);
        assertThat(h.flags()).isEqualTo(Flags.EXPLAIN);
        assertThat(h.correlationId()).isEqualTo(42L);
        assertThat(h.frameLength() + 4).isEqualTo(b.capacity() - 8);
        ScoreRequestDecoder d = new ScoreRequestDecoder().wrap(b, h.bodyOffset(), h.bodyLength());
        assertThat(d.validate()).isNull();
        assertThat(d.name()).isEqualTo("telco-churn");
        assertThat(d.alias()).isEqualTo("champion");
        assertThat(d.nameEquals("telco-churn".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
        assertThat(d.ensembleVersion()).isZero();
        assertThat(d.tier()).isEqualTo(2);
        assertThat(d.budgetMicros()).isEqualTo(1500);
        assertThat(d.rowCount()).isEqualTo(2);
        assertThat(d.featureCount()).isEqualTo(3);
        float[] read = new float[6];
        d.readRows(read);
        assertThat(read).containsExactly(rows);
    }

    @Test
    void shouldStartRowsOnAFourByteBoundaryAfterTheStrings() {
        for (String name : new String[] {"a", "ab", "abc", "abcd", "ünïcödé"}) {
            UnsafeBuffer b = encode(EnsembleRef.of(name, 3), 0, 0, new float[] {1}, 1, 1);
            ScoreRequestDecoder d = new ScoreRequestDecoder().wrap(b, 8 + FrameHeader.HEADER_LENGTH, b.capacity() - 8 - FrameHeader.HEADER_LENGTH);
            assertThat(d.validate()).isNull();
            assertThat(d.rowsOffset() % 4).isZero();
            assertThat(d.name()).isEqualTo(name);
            assertThat(d.ensembleVersion()).isEqualTo(3);
        }
    }

    @Test
    void shouldRejectABodyWhoseLengthDisagreesWithItsCounts() {
        UnsafeBuffer b = encode(EnsembleRef.latest("m"), 0, 0, new float[] {1, 2, 3, 4}, 2, 2);
        int body = 8 + FrameHeader.HEADER_LENGTH;
        int length = b.capacity() - body;
        assertThat(new ScoreRequestDecoder().wrap(b, body, length - 4).validate()).contains("need");
        assertThat(new ScoreRequestDecoder().wrap(b, body, 12).validate()).contains("at least 20");
        b.putInt(body + ScoreRequestDecoder.ROW_COUNT_OFFSET, 1_000_000, FrameHeader.ORDER);
        assertThat(new ScoreRequestDecoder().wrap(b, body, length).validate()).contains("1000000 rows");
        b.putInt(body + ScoreRequestDecoder.ROW_COUNT_OFFSET, -1, FrameHeader.ORDER);
        assertThat(new ScoreRequestDecoder().wrap(b, body, length).validate()).contains("negative");
        b.putInt(body + ScoreRequestDecoder.ROW_COUNT_OFFSET, 2, FrameHeader.ORDER);
        b.putByte(body + ScoreRequestDecoder.NAME_LENGTH_OFFSET, (byte) 0);
        assertThat(new ScoreRequestDecoder().wrap(b, body, length).validate()).contains("name is empty");
    }

    @Test
    void shouldRefuseToEncodeFieldsOutOfRange() {
        assertThatThrownBy(() -> encode(EnsembleRef.latest("m"), 256, 0, new float[1], 1, 1)).hasMessageContaining("tier");
        assertThatThrownBy(() -> encode(EnsembleRef.latest("m"), 0, 0, new float[1], 2, 1)).hasMessageContaining("need 2 values");
        assertThatThrownBy(() -> EnsembleRef.of("", 1)).hasMessageContaining("1 to 255");
        assertThatThrownBy(() -> new EnsembleRef("m", 2, "champion")).hasMessageContaining("not both");
    }
}
