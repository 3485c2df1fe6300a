package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Evaluates a {@link TreeEnsemble} over batches of rows, a block of rows at a time: a
 * {@link ForestKernel} copies the block into its own layout ({@link TileColumns}: missing values
 * resolved, category codes) and adds every tree to per-row accumulators in model order, then the
 * margins are averaged (random forests) and linked exactly as {@link TreeEnsemble#predict} does.
 * Outputs are bit-identical to the reference evaluator's, whatever the algorithm and the batch
 * size.
 *
 * <p>The algorithm is either fixed ({@link #create}) or chosen by timing every algorithm that suits
 * the model on the first rows scored ({@link #adaptive}, see {@link KernelTrial}); the choice is
 * logged once.
 *
 * <p>Threads: one thread at a time (the kernels' blocks and the accumulators are scratch); make one
 * evaluator per thread. Allocation: none per call; all buffers are made at construction.
 */
public final class BatchTreeEvaluator {
    private static final Logger LOG = System.getLogger(BatchTreeEvaluator.class.getName());
    private static final LongSupplier SYSTEM_CLOCK = System::nanoTime;

    private final TreeEnsemble model;
    private final KernelTrial trial;
    private final LongSupplier clock;
    private final int groups;
    private final int outputs;
    private final int averageOver;
    private final int accStride;
    private final double[] acc;
    private final double[] rowValues;
    private ForestKernel kernel;

    private BatchTreeEvaluator(TreeEnsemble model, ForestKernel[] kernels, LongSupplier clock) {
        this.model = Objects.requireNonNull(model, "model");
        this.trial = new KernelTrial(clock, clock == SYSTEM_CLOCK ? KernelTrial.jitTime() : () -> 0, kernels);
        this.clock = clock;
        this.kernel = trial.chosen();
        this.groups = model.groups();
        this.outputs = model.outputs();
        this.averageOver = model.averageOver();
        this.accStride = Arrays.stream(kernels).mapToInt(ForestKernel::blockRows).max().orElseThrow();
        this.acc = new double[groups * accStride];
        this.rowValues = new double[groups];
    }

    /** An evaluator that always runs {@code algorithm}, which must suit the model ({@link TreeAlgorithm#supports}). */
    public static BatchTreeEvaluator create(TreeEnsemble model, TreeAlgorithm algorithm) {
        if (!algorithm.supports(model)) {
            throw new IllegalArgumentException(algorithm + " cannot evaluate " + model.description());
        }
        ForestKernel kernel = algorithm.kernel(model, new TileColumns(model));
        return new BatchTreeEvaluator(model, new ForestKernel[] {kernel}, SYSTEM_CLOCK);
    }

    /** An evaluator that times every algorithm suiting the model on its first rows and keeps the fastest. */
    public static BatchTreeEvaluator adaptive(TreeEnsemble model) {
        return adaptive(model, SYSTEM_CLOCK);
    }

    /**
     * {@link #adaptive(TreeEnsemble)} timed by {@code clock} (nanoseconds); a clock other than the
     * system's also stands in for the JIT compilers' activity (always idle).
     */
    static BatchTreeEvaluator adaptive(TreeEnsemble model, LongSupplier clock) {
        TileColumns columns = new TileColumns(model);
        ForestKernel[] kernels = Arrays.stream(TreeAlgorithm.values())
                .filter(a -> a.supports(model))
                .map(a -> a.kernel(model, columns))
                .toArray(ForestKernel[]::new);
        return new BatchTreeEvaluator(model, kernels, clock);
    }

    public TreeEnsemble model() {
        return model;
    }

    /** The algorithm in use: the chosen one, or while the trial runs, the one for the next block. */
    public TreeAlgorithm algorithm() {
        return (kernel != null ? kernel : trial.next()).algorithm();
    }

    /** Whether the algorithm is settled (always for {@link #create}). */
    public boolean chosen() {
        return kernel != null;
    }

    /** How the algorithm was chosen, for logs and reports. */
    public String choice() {
        return trial.report();
    }

    /**
     * Predicts {@code rows} rows.
     *
     * @param input rows of {@code width} floats from index 0 (absolute indexing: position and limit
     *     are not changed), {@code width >= featureCount}
     * @param out receives output {@code o} of row {@code r} at {@code out[offsets[o] + r]}, as float
     * @param offsets {@link TreeEnsemble#outputs()} start indices
     */
    public void predict(FloatBuffer input, int rows, int width, float[] out, int[] offsets) {
        for (int from = 0; from < rows; ) {
            int n = evaluateBlock(input, from, rows - from, width);
            for (int r = 0; r < n; r++) {
                rowMargins(r);
                model.applyLink(rowValues);
                for (int o = 0; o < outputs; o++) {
                    out[offsets[o] + from + r] = (float) rowValues[o];
                }
            }
            from += n;
        }
    }

    /**
     * Computes the raw margins of {@code rows} rows, as {@link TreeEnsemble#margins} does (averaged,
     * before the link).
     *
     * @param out receives group {@code g} of row {@code r} at {@code out[r * groups + g]}
     */
    public void margins(FloatBuffer input, int rows, int width, double[] out) {
        for (int from = 0; from < rows; ) {
            int n = evaluateBlock(input, from, rows - from, width);
            for (int r = 0; r < n; r++) {
                rowMargins(r);
                System.arraycopy(rowValues, 0, out, (from + r) * groups, groups);
            }
            from += n;
        }
    }

    /** Evaluates the next block of at most {@code remaining} rows from {@code from}; returns its rows. */
    private int evaluateBlock(FloatBuffer input, int from, int remaining, int width) {
        ForestKernel k = kernel != null ? kernel : trial.next();
        int n = Math.min(k.blockRows(), remaining);
        for (int g = 0; g < groups; g++) {
            Arrays.fill(acc, g * accStride, g * accStride + n, model.baseMargin(g));
        }
        if (kernel != null) {
            k.accumulate(input, from, n, width, acc, accStride);
            return n;
        }
        long start = clock.getAsLong();
        k.accumulate(input, from, n, width, acc, accStride);
        if (trial.record(n, clock.getAsLong() - start)) {
            kernel = trial.chosen();
            LOG.log(Level.INFO, "tree evaluator for {0}: {1}", model.description(), trial.report());
        }
        return n;
    }

    private void rowMargins(int r) {
        for (int g = 0; g < groups; g++) {
            double v = acc[g * accStride + r];
            rowValues[g] = averageOver > 0 ? v / averageOver : v;
        }
    }
}
