package dev.tutti.engine.testing;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * A runtime for every model format whose members are small logistic models with weights drawn from
 * the member's name: deterministic, different per member, allocation-free. It lets engine tests load
 * the bundled ensembles (manifests, schemas, combiners) without the native runtimes, and measure what
 * the engine itself allocates (the engine's tests and benchmarks).
 *
 * <p>Threads: stateless; each member is called by one thread at a time. Allocation: none per call.
 */
public final class SyntheticRuntime implements MemberRuntimeProvider {
    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public int rank() {
        return 1;
    }

    @Override
    public Set<String> formats() {
        return Set.of(ModelFormats.ONNX, ModelFormats.TORCHSCRIPT, ModelFormats.XGBOOST_JSON, ModelFormats.XGBOOST_UBJ,
                ModelFormats.LIGHTGBM_TEXT, ModelFormats.LINEAR_JSON);
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        return Optional.empty();
    }

    @Override
    public Member load(ModelSpec spec) {
        return new Logistic(spec);
    }

    /** {@code p = sigmoid(sum_f w_f x_f / width)}, a missing feature counting 0; binary members only. */
    private static final class Logistic implements Member {
        private final ModelSpec spec;
        private final float[] weights;

        Logistic(ModelSpec spec) {
            this.spec = spec;
            this.weights = new float[spec.schema().width()];
            java.util.Random random = new java.util.Random(spec.name().hashCode());
            for (int f = 0; f < weights.length; f++) {
                weights[f] = (float) random.nextGaussian();
            }
        }

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public void score(FloatBuffer input, int rows, MemberOutput out) {
            int width = weights.length;
            for (int r = 0; r < rows; r++) {
                double eta = 0;
                for (int f = 0; f < width; f++) {
                    float x = input.get(r * width + f);
                    eta += Float.isNaN(x) ? 0 : weights[f] * x;
                }
                out.put(0, r, (float) (1 / (1 + Math.exp(-eta / width))));
            }
        }

        @Override
        public void close() {}
    }
}
