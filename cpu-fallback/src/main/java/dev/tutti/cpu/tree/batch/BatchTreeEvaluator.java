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
 * the model on the first rows scored ({@link #adaptive}, see {@link KernelTrial}), separately for
 * small calls (fewer than {@value #SMALL_CALL_ROWS} rows) and large ones: the winner differs (a
 * bit-sliced kernel works on 64-row tiles and is the fastest on full batches, the slowest on single
 * rows), and a server that starts under light load must not keep its single-row choice when the
 * batches grow. Each choice is logged once.
 *
 * <p>Threads: one thread at a time (the kernels' blocks and the accumulators are scratch); make one
 * evaluator per thread. Allocation: none per call; all buffers are made at construction.
 */
public final class BatchTreeEvaluator {
    private static final Logger LOG = System.getLogger(BatchTreeEvaluator.class.getName());
    private static final LongSupplier SYSTEM_CLOCK = System::nanoTime;
    /** Calls of fewer rows than this form the small size class, with its own trial and choice. */
    public static final int SMALL_CALL_ROWS = 64;
    private static final String[] CLASS_NAMES = {"calls of fewer than " + SMALL_CALL_ROWS + " rows", "calls of " + SMALL_CALL_ROWS + " rows or more"};

    private final TreeEnsemble model;
    /** Per size class (0 small, 1 large): its trial, and its kernel once chosen. */
    private final KernelTrial[] trials;
    private final ForestKernel[] kernels;
    private final boolean[] used = new boolean[2];
    private int lastClass = 1;
    private final LongSupplier clock;
    private final int groups;
    private final int outputs;
    private final int averageOver;
    private final int accStride;
    private final double[] acc;
    private final double[] rowValues;

    private BatchTreeEvaluator(TreeEnsemble model, ForestKernel[] kernels, LongSupplier clock) {
        this.model = Objects.requireNonNull(model, "model");
        LongSupplier jit = clock == SYSTEM_CLOCK ? KernelTrial.jitTime() : () -> 0;
        this.trials = new KernelTrial[] {new KernelTrial(clock, jit, kernels), new KernelTrial(clock, jit, kernels)};
        this.kernels = new ForestKernel[] {trials[0].chosen(), trials[1].chosen()};
        this.clock = clock;
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

    /** The algorithm of the last call's size class: the chosen one, or while its trial runs, the one for its next block. */
    public TreeAlgorithm algorithm() {
        ForestKernel k = kernels[lastClass];
        return (k != null ? k : trials[lastClass].next()).algorithm();
    }

    /**
     * Whether the algorithm is settled: always for {@link #create}; for {@link #adaptive}, once some
     * call was made and the trial of every size class that calls were made in has chosen.
     */
    public boolean chosen() {
        if (kernels[0] != null && kernels[1] != null) {
            return true;
        }
        boolean any = false;
        for (int c = 0; c < 2; c++) {
            if (used[c]) {
                any = true;
                if (kernels[c] == null) {
                    return false;
                }
            }
        }
        return any;
    }

    /** How the algorithm was chosen for each size class that calls were made in, for logs and reports. */
    public String choice() {
        if (trials[0].chosen() != null && trials[0].report().equals(trials[1].report())) {
            return trials[0].report(); // a single algorithm
        }
        StringBuilder s = new StringBuilder();
        for (int c = 1; c >= 0; c--) {
            if (used[c] || c == lastClass) {
                s.append(s.isEmpty() ? "" : "; ").append(CLASS_NAMES[c]).append(": ").append(trials[c].report());
            }
        }
        return s.toString();
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
        int sizeClass = sizeClass(rows);
        for (int from = 0; from < rows; ) {
            int n = evaluateBlock(sizeClass, input, from, rows - from, width);
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
        int sizeClass = sizeClass(rows);
        for (int from = 0; from < rows; ) {
            int n = evaluateBlock(sizeClass, input, from, rows - from, width);
            for (int r = 0; r < n; r++) {
                rowMargins(r);
                System.arraycopy(rowValues, 0, out, (from + r) * groups, groups);
            }
            from += n;
        }
    }

    private int sizeClass(int rows) {
        int c = rows < SMALL_CALL_ROWS ? 0 : 1;
        used[c] = true;
        lastClass = c;
        return c;
    }

    /** Evaluates the next block of at most {@code remaining} rows from {@code from} for a call of size class {@code c}; returns its rows. */
    private int evaluateBlock(int c, FloatBuffer input, int from, int remaining, int width) {
        ForestKernel kernel = kernels[c];
        KernelTrial trial = trials[c];
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
            kernels[c] = trial.chosen();
            LOG.log(Level.INFO, "tree evaluator for {0}, {1}: {2}", model.description(), CLASS_NAMES[c], trial.report());
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
