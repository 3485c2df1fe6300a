package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tree-ensemble member evaluated in Java: by a {@link BatchTreeEvaluator} (tiles of rows, the
 * algorithm fixed or timed on the first rows, see {@link TreeEvaluation}), or by the reference
 * evaluator, {@link TreeEnsemble#predict} one row at a time. Both give the same bits. With the
 * option {@code threads=N} a call of at least {@value #MIN_ROWS_PER_THREAD} rows per thread is split
 * into up to N contiguous shares scored at the same time, each by its own evaluator: the calling
 * thread scores the first, N - 1 threads of the member's own the others (what XGBoost's
 * {@code nthread} and ONNX Runtime's intra-op threads do for their runtimes).
 *
 * <p>Threads: one scoring thread at a time (as the engine guarantees), plus the member's N - 1 daemon
 * threads ({@code tutti-trees-<member>-k}) while a split call runs; {@link #close} may come from
 * another thread and stops them. Allocation: none per call on one thread; a split call allocates an
 * input view and a task per extra share.
 */
public final class TreeMember implements Member {
    /**
     * The fewest rows a share of a split call gets: the evaluator's large-call size (a smaller share
     * would run the single-row algorithm), and several times what a thread's hand-off costs.
     */
    static final int MIN_ROWS_PER_THREAD = BatchTreeEvaluator.SMALL_CALL_ROWS;

    private final ModelSpec spec;
    private final TreeEnsemble model;
    private final BatchTreeEvaluator evaluator;
    private final BatchTreeEvaluator[] shares;
    private final ExecutorService pool;
    private final int width;
    private final int outputs;
    private final float[] row;
    private final double[] result;
    private final int[] outputOffset;
    private volatile boolean closed;

    /**
     * @param evaluators one batch evaluator per thread (the first for the calling thread), or
     *     {@code {null}} for the reference evaluator
     */
    TreeMember(ModelSpec spec, TreeEnsemble model, BatchTreeEvaluator... evaluators) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.model = Objects.requireNonNull(model, "model");
        this.evaluator = evaluators[0];
        this.shares = evaluators.clone();
        if (shares.length > 1) {
            AtomicInteger next = new AtomicInteger(1);
            this.pool = Executors.newFixedThreadPool(shares.length - 1,
                    r -> Thread.ofPlatform().daemon().name("tutti-trees-" + spec.name() + "-" + next.getAndIncrement()).unstarted(r));
        } else {
            this.pool = null;
        }
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
            int threads = Math.min(shares.length, rows / MIN_ROWS_PER_THREAD);
            if (threads > 1) {
                split(input, rows, data, threads);
            } else {
                evaluator.predict(input, rows, width, data, outputOffset);
            }
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

    /** Scores {@code threads} contiguous shares of the rows at once: the first here, the others on the member's threads. */
    private void split(FloatBuffer input, int rows, float[] data, int threads) throws MemberException {
        Future<?>[] pending = new Future<?>[threads];
        int share = (rows + threads - 1) / threads;
        for (int t = 1; t < threads; t++) {
            int from = t * share;
            int n = Math.min(share, rows - from);
            BatchTreeEvaluator e = shares[t];
            int[] offsets = outputOffset.clone();
            for (int o = 0; o < outputs; o++) {
                offsets[o] += from;
            }
            FloatBuffer view = input.slice(from * width, n * width);
            pending[t] = pool.submit(() -> e.predict(view, n, width, data, offsets));
        }
        RuntimeException failed = null;
        try {
            evaluator.predict(input, share, width, data, outputOffset);
        } catch (RuntimeException ex) {
            failed = ex;
        }
        // every share is waited for, even after a failure: none may write into the output after the call
        MemberException error = null;
        boolean interrupted = false;
        for (int t = 1; t < threads; t++) {
            while (true) {
                try {
                    pending[t].get();
                    break;
                } catch (ExecutionException ex) {
                    error = error != null ? error
                            : new MemberException("member " + spec.pin() + ": scoring rows on thread " + t + " failed: " + ex.getCause(), ex.getCause());
                    break;
                } catch (InterruptedException ex) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed != null) {
            throw failed;
        }
        if (error != null) {
            throw error;
        }
    }

    /** How many threads a large call is split across (the option {@code threads}). */
    public int threads() {
        return shares.length;
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "TreeMember[" + spec.pin() + ", " + model.description() + "]";
    }
}
