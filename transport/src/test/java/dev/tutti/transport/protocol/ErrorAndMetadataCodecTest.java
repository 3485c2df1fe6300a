package dev.tutti.transport.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ErrorAndMetadataCodecTest {

    @Test
    void shouldCarryAnErrorsCodeRowAndMessage() {
        byte[] message = ErrorEncoder.messageBytes("feature 'color' has code 7 in row 1");
        UnsafeBuffer b = new UnsafeBuffer(new byte[ErrorEncoder.frameLength(message)]);
        ErrorEncoder.encode(b, 0, 99L, ErrorCode.INVALID_INPUT, 1, message);
        FrameHeader h = new FrameHeader().wrap(b, 0);
        assertThat(h.correlationId()).isEqualTo(99L);
        ErrorDecoder d = new ErrorDecoder().wrap(b, h.bodyOffset(), h.bodyLength());
        assertThat(d.validate()).isNull();
        assertThat(d.code()).isEqualTo(ErrorCode.INVALID_INPUT);
        assertThat(d.row()).isEqualTo(1);
        assertThat(d.message()).isEqualTo("feature 'color' has code 7 in row 1");
    }

    @Test
    void shouldCutLongMessagesAndReadUnknownCodesAsInternal() {
        assertThat(ErrorEncoder.messageBytes("x".repeat(10_000))).hasSize(ErrorEncoder.MAX_MESSAGE_BYTES);
        assertThat(ErrorCode.of(999)).isEqualTo(ErrorCode.INTERNAL);
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(ErrorCode.of(c.code())).isEqualTo(c);
        }
    }

    @Test
    void shouldCarryAnEnsemblesMetadata() {
        InputSchema schema = new InputSchema(List.of(FeatureSpec.numeric("tenure", true),
                new FeatureSpec("contract", FeatureType.CATEGORICAL, List.of("Month-to-month", "One year"), true, true)));
        ModelMetadata m = new ModelMetadata("telco-churn", 3, Task.BINARY, List.of("No", "Yes"), List.of("xgboost", "mlp"), schema, 512);
        UnsafeBuffer b = new UnsafeBuffer(new byte[MetadataResponseCodec.frameLength(m)]);
        assertThat(MetadataResponseCodec.encode(b, 0, 5L, m)).isEqualTo(b.capacity());
        FrameHeader h = new FrameHeader().wrap(b, 0);
        assertThat(MessageType.of(h.type())).isEqualTo(MessageType.METADATA_RESPONSE);
        assertThat(MetadataResponseCodec.decode(b, h.bodyOffset(), h.bodyLength())).isEqualTo(m);
        assertThatThrownBy(() -> MetadataResponseCodec.decode(b, h.bodyOffset(), h.bodyLength() - 3))
                .isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void shouldCarryAMetadataRequestsEnsembleReference() {
        EnsembleRef ref = EnsembleRef.alias("spam", "challenger");
        UnsafeBuffer b = new UnsafeBuffer(new byte[MetadataRequestCodec.frameLength(ref)]);
        MetadataRequestCodec.encode(b, 0, 1L, ref);
        FrameHeader h = new FrameHeader().wrap(b, 0);
        assertThat(MetadataRequestCodec.decode(b, h.bodyOffset(), h.bodyLength())).isEqualTo(ref);
        assertThatThrownBy(() -> MetadataRequestCodec.decode(b, h.bodyOffset(), h.bodyLength() + 1))
                .isInstanceOf(MalformedFrameException.class);
    }
}
