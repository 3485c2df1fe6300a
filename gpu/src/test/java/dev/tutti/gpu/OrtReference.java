package dev.tutti.gpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ONNX Runtime (CPU) as the reference: the raw output of a graph, and a minimal CPU runtime that serves
 * as the GPU member's twin in tests (the gpu module never sees cpu-fallback). The twin writes the output
 * columns as they are, which is the member's score for the test specs (1 column binary or regression, K
 * columns multiclass, no transform).
 *
 * <p>Threads: one session per call or member, used by one thread.
 */
final class OrtReference {
    private OrtReference() {}

    /** The graph's single output for {@code rows} rows of {@code width} floats, row-major. */
    static float[] run(Path model, float[] x, int rows, int width) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, rows * width), new long[] {rows, width});
                OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), in))) {
            float[][] out = (float[][]) result.get(0).getValue();
            float[] flat = new float[rows * out[0].length];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(out[r], 0, flat, r * out[r].length, out[r].length);
            }
            return flat;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rank-100 ONNX runtime over ONNX Runtime, standing in for cpu-fallback's. */
    static final class TwinProvider implements MemberRuntimeProvider {
        int loads;

        @Override
        public String name() {
            return "onnxruntime-test-twin";
        }

        @Override
        public int rank() {
            return 100;
        }

        @Override
        public Set<String> formats() {
            return Set.of(ModelFormats.ONNX);
        }

        @Override
        public Optional<String> unavailableReason(ModelSpec spec) {
            return Optional.empty();
        }

        @Override
        public Member load(ModelSpec spec) {
            loads++;
            return new Member() {
                int batches;

                @Override
                public ModelSpec spec() {
                    return spec;
                }

                @Override
                public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
                    int width = spec.schema().width();
                    float[] x = new float[rows * width];
                    input.get(0, x);
                    float[] y = run(spec.artifact(), x, rows, width);
                    int columns = y.length / rows;
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < columns; k++) {
                            out.put(k, r, y[r * columns + k]);
                        }
                    }
                    batches++;
                }

                @Override
                public void close() {}

                @Override
                public String toString() {
                    return "twin(" + batches + " batches)";
                }
            };
        }
    }
}
