package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A tree-ensemble member evaluated in Java: by a {@link BatchTreeEvaluator} (tiles of rows, the
 * algorithm fixed or timed on the first rows, see {@link TreeEvaluation}), or by the reference
 * evaluator, {@link TreeEnsemble#predict} one row at a time. Both give the same bits.
 *
 * <p>Threads: one scoring thread at a time (as the engine guarantees); {@link #close} may come from
 * another thread. Allocation: none per call; buffers are made at load.
 */
public final class TreeMember implements Member {
    private final ModelSpec spec;
    private final TreeEnsemble model;
    private final BatchTreeEvaluator evaluator;
    private final int width;
    private final int outputs;
    private final float[] row;
    private final double[] result;
    private final int[] outputOffset;
    private volatile boolean closed;

    /**
     * @param evaluator the batch evaluator, or null for the reference evaluator
     */
    TreeMember(ModelSpec spec, TreeEnsemble model, BatchTreeEvaluator evaluator) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.model = Objects.requireNonNull(model, "model");
        this.evaluator = evaluator;
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

    /** How this member evaluates its trees: the reference, or the batch algorithm and how it was chosen. */
    public String evaluation() {
        return evaluator == null ? TreeEvaluation.REFERENCE : evaluator.algorithm() + ": " + evaluator.choice();
    }

    /** Whether the evaluation is settled: the reference, a fixed algorithm, or an {@code auto} trial that has chosen. */
    public boolean evaluationSettled() {
        return evaluator == null || evaluator.chosen();
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
        if (evaluator != null) {
            evaluator.predict(input, rows, width, data, outputOffset);
            return;
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
