package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeModelException;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A tree-ensemble member evaluated in Java by walking the flat arrays of a {@link TreeEnsemble},
 * one row at a time, every tree in order: the reference evaluator, so results do not depend on the
 * batch size.
 *
 * <p>Threads: one scoring thread at a time (as the engine guarantees); {@link #close} may come from
 * another thread. Allocation: none per call; the row and margin buffers are made at load.
 */
public final class TreeMember implements Member {
    private final ModelSpec spec;
    private final TreeEnsemble model;
    private final int width;
    private final int outputs;
    private final float[] row;
    private final double[] result;
    private final int[] outputOffset;
    private volatile boolean closed;

    TreeMember(ModelSpec spec, TreeEnsemble model) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.model = Objects.requireNonNull(model, "model");
        this.width = spec.schema().width();
        this.outputs = spec.outputs();
        if (outputs != model.outputs()) {
            throw new IllegalArgumentException("member " + spec.pin() + " declares " + outputs + " outputs; the model gives "
                    + model.outputs());
        }
        this.row = new float[Math.max(width, model.featureCount())];
        this.result = new double[model.groups()];
        this.outputOffset = new int[outputs];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** The parsed model. */
    public TreeEnsemble model() {
        return model;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        if (rows < 1 || (long) rows * width > input.limit()) {
            throw new IllegalArgumentException("member " + spec.pin() + ": " + rows + " rows of " + width
                    + " features do not fit the input buffer's " + input.limit() + " values");
        }
        if (rows > out.rows()) {
            throw new IllegalArgumentException("member " + spec.pin() + ": " + rows + " rows but the output holds "
                    + out.rows());
        }
        float[] data = out.array();
        for (int o = 0; o < outputs; o++) {
            outputOffset[o] = out.offset(o);
        }
        for (int r = 0; r < rows; r++) {
            input.get(r * width, row, 0, width);
            model.predict(row, result);
            for (int o = 0; o < outputs; o++) {
                data[outputOffset[o] + r] = (float) result[o];
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "TreeMember[" + spec.pin() + ", " + model.description() + "]";
    }
}
