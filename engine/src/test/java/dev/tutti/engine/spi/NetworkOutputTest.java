package dev.tutti.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How network output tensors become member scores, for each task and transform. */
class NetworkOutputTest {
    private static ModelSpec spec(Task task, int classes, String transform) {
        return new ModelSpec("net", 1, "onnx", Path.of("net.onnx"), "0".repeat(64),
                new InputSchema(List.of(FeatureSpec.numeric("x", false))), task, classes,
                transform == null ? Map.of() : Map.of("transform", transform));
    }

    private static ScoreMatrix write(ModelSpec spec, int columns, int rows, float... values) throws MemberException {
        ScoreMatrix m = new ScoreMatrix(1, spec.outputs(), rows);
        m.rows(rows);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(values);
        NetworkOutput.of(spec, columns).write(bytes, rows, new MemberOutput().wrap(m, 0));
        return m;
    }

    @Test
    void shouldTakeTheSecondColumnOfATwoColumnBinaryOutput() throws MemberException {
        ScoreMatrix m = write(spec(Task.BINARY, 2, null), 2, 2, 0.9f, 0.1f, 0.3f, 0.7f);
        assertThat(m.get(0, 0, 0)).isEqualTo(0.1f);
        assertThat(m.get(0, 0, 1)).isEqualTo(0.7f);
    }

    @Test
    void shouldApplySigmoidAndTwoClassSoftmaxToLogits() throws MemberException {
        assertThat(write(spec(Task.BINARY, 2, "sigmoid"), 1, 1, 0f).get(0, 0, 0)).isEqualTo(0.5f);
        // softmax over (0, ln 3) gives P(class 1) = 3 / 4
        assertThat(write(spec(Task.BINARY, 2, "softmax"), 2, 1, 0f, (float) Math.log(3)).get(0, 0, 0)).isCloseTo(0.75f, offset(1e-6f));
    }

    @Test
    void shouldTransposeMulticlassRowsIntoClassRunsAndNormaliseLogits() throws MemberException {
        ScoreMatrix m = write(spec(Task.MULTICLASS, 3, "softmax"), 3, 2, 0, 0, 0, 1, 1, 1);
        for (int k = 0; k < 3; k++) {
            assertThat(m.get(0, k, 0)).isCloseTo(1 / 3f, offset(1e-6f));
            assertThat(m.get(0, k, 1)).isCloseTo(1 / 3f, offset(1e-6f));
        }
        ScoreMatrix raw = write(spec(Task.MULTICLASS, 3, null), 3, 1, 0.2f, 0.3f, 0.5f);
        assertThat(new float[] {raw.get(0, 0, 0), raw.get(0, 1, 0), raw.get(0, 2, 0)}).containsExactly(0.2f, 0.3f, 0.5f);
    }

    @Test
    void shouldRefuseShapesAndTransformsThatDoNotFitTheTask() {
        assertThatThrownBy(() -> NetworkOutput.of(spec(Task.MULTICLASS, 4, null), 3))
                .isInstanceOf(MemberException.class).hasMessageContaining("3 output column(s)").hasMessageContaining("needs 4");
        assertThatThrownBy(() -> NetworkOutput.of(spec(Task.REGRESSION, 0, null), 2)).isInstanceOf(MemberException.class);
        assertThatThrownBy(() -> NetworkOutput.of(spec(Task.BINARY, 2, "tanh"), 1))
                .isInstanceOf(MemberException.class).hasMessageContaining("transform='tanh'");
        assertThatThrownBy(() -> NetworkOutput.of(spec(Task.BINARY, 2, "softmax"), 1)).isInstanceOf(MemberException.class);
        assertThatThrownBy(() -> write(spec(Task.BINARY, 2, null), 1, 3, 0.5f))
                .isInstanceOf(MemberException.class).hasMessageContaining("returned 1 values for 3 rows");
    }
}
