package dev.tutti.cpu.linear;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;

/**
 * A {@link LinearModel} as a member. Threads: one scoring thread at a time (it owns one scratch
 * array). Allocation: none per batch. Owns no native resources; close only marks it closed.
 */
final class LinearMember implements Member {
    private final ModelSpec spec;
    private final LinearModel model;
    private final double[] eta;
    private volatile boolean closed;

    LinearMember(ModelSpec spec, LinearModel model) {
        this.spec = spec;
        this.model = model;
        this.eta = new double[model.outputs()];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        int width = spec.schema().width();
        for (int r = 0; r < rows; r++) {
            model.predict(input, r * width, eta);
            for (int o = 0; o < eta.length; o++) {
                out.put(o, r, (float) eta[o]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
