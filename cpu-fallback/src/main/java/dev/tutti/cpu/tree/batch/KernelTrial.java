package dev.tutti.cpu.tree.batch;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Chooses the fastest of several {@link ForestKernel}s of one model by timing them on the rows the
 * model is actually asked to score: which algorithm wins depends on the trees (depth, leaves,
 * categorical splits) and on the data (QuickScorer's work is the number of splits a row fails, few
 * on sparse rows), so neither can be known before the rows come. Every kernel gives bit-identical
 * margins, so switching between them is invisible to callers.
 *
 * <p>Blocks of rows go to the kernels in turn, in rounds in which every kernel evaluates at least
 * {@link #ROUND_ROWS} rows. Kernels are compared only once they are compiled: C2 alone vectorises
 * {@link VQuickScorerKernel}'s loops, and before it is done the kernels' times say nothing (a trial
 * of 250 ms at JVM start, with the compiler busy, once picked a kernel three times slower). So the
 * warm-up lasts at least {@link #WARMUP_ROUNDS} rounds and {@link #WARMUP_NANOS}, and then until
 * the JIT compilers have been idle for {@link #QUIET_NANOS} (the JVM's total compilation time has
 * not moved), or {@link #MAX_WARMUP_NANOS} have passed. Then each of {@link #ROUNDS} rounds gives
 * every kernel a time per row. The kernel with the lowest median wins and evaluates
 * every later block; the others are dropped. Interleaving makes a noisy neighbour slow every kernel
 * alike.
 *
 * <p>Threads: the evaluator's thread. Allocation: none per block.
 */
final class KernelTrial {
    static final int WARMUP_ROUNDS = 4;
    static final long WARMUP_NANOS = 1_000_000_000L;
    static final long QUIET_NANOS = 300_000_000L;
    static final long MAX_WARMUP_NANOS = 15_000_000_000L;
    static final int ROUNDS = 7;
    static final int ROUND_ROWS = 512;

    private final ForestKernel[] kernels;
    private final long[] roundRows;
    private final long[] roundNanos;
    private final double[][] nanosPerRow;
    private final LongSupplier clock;
    private final LongSupplier compilations;
    private final long started;
    private long compiled;
    private long quietSince;
    private int warmupRounds;
    private int rounds;
    private int next;
    private ForestKernel chosen;
    private String report;

    /**
     * A trial among {@code kernels}; with a single kernel it is chosen at once.
     *
     * @param clock nanoseconds ({@link System#nanoTime} but in tests)
     * @param compilations a count that moves while the JIT compilers work ({@link #jitTime()} but in tests)
     */
    KernelTrial(LongSupplier clock, LongSupplier compilations, ForestKernel... kernels) {
        if (kernels.length == 0) {
            throw new IllegalArgumentException("no kernel to choose from");
        }
        this.kernels = kernels.clone();
        this.roundRows = new long[kernels.length];
        this.roundNanos = new long[kernels.length];
        this.nanosPerRow = new double[kernels.length][ROUNDS];
        this.clock = clock;
        this.compilations = compilations;
        this.started = clock.getAsLong();
        this.compiled = compilations.getAsLong();
        this.quietSince = started;
        if (kernels.length == 1) {
            chosen = kernels[0];
            report = kernels[0].algorithm() + " (the only algorithm for this model)";
        }
    }

    /** The chosen kernel, or null while the trial runs. */
    ForestKernel chosen() {
        return chosen;
    }

    /** The kernel for the next block while the trial runs. */
    ForestKernel next() {
        return kernels[next];
    }

    /** How the choice was made (or how far the trial is). */
    String report() {
        return report != null
                ? report
                : "trial of " + Arrays.toString(algorithms()) + ": round " + rounds + " of " + ROUNDS;
    }

    /**
     * Records that the kernel {@link #next} returned evaluated {@code rows} rows in {@code nanos};
     * returns true when this decided the trial.
     */
    boolean record(int rows, long nanos) {
        roundRows[next] += rows;
        roundNanos[next] += nanos;
        next = (next + 1) % kernels.length;
        for (long done : roundRows) {
            if (done < ROUND_ROWS) {
                return false;
            }
        }
        if (rounds == 0 && !warm()) {
            warmupRounds++;
        } else {
            for (int k = 0; k < kernels.length; k++) {
                nanosPerRow[k][rounds] = (double) roundNanos[k] / roundRows[k];
            }
            rounds++;
        }
        Arrays.fill(roundRows, 0);
        Arrays.fill(roundNanos, 0);
        if (rounds < ROUNDS) {
            return false;
        }
        decide();
        return true;
    }

    /** Whether the warm-up is over (checked at the end of each round until it is). */
    private boolean warm() {
        long now = clock.getAsLong();
        long total = compilations.getAsLong();
        if (total != compiled) {
            compiled = total;
            quietSince = now;
        }
        long elapsed = now - started;
        return warmupRounds >= WARMUP_ROUNDS && elapsed >= WARMUP_NANOS
                && (now - quietSince >= QUIET_NANOS || elapsed >= MAX_WARMUP_NANOS);
    }

    /** The JVM's total JIT compilation time in milliseconds, or a constant where it is not measured. */
    static LongSupplier jitTime() {
        CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        if (bean == null || !bean.isCompilationTimeMonitoringSupported()) {
            return () -> 0;
        }
        return bean::getTotalCompilationTime;
    }

    private void decide() {
        double[] median = new double[kernels.length];
        int best = 0;
        for (int k = 0; k < kernels.length; k++) {
            double[] sorted = nanosPerRow[k].clone();
            Arrays.sort(sorted);
            median[k] = sorted[ROUNDS / 2];
            if (median[k] < median[best]) {
                best = k;
            }
        }
        chosen = kernels[best];
        StringBuilder s = new StringBuilder(chosen.algorithm().toString()).append(" (median time per row over ")
                .append(ROUNDS).append(" rounds of ").append(ROUND_ROWS).append(" rows:");
        for (int k = 0; k < kernels.length; k++) {
            s.append(k == 0 ? " " : ", ").append(kernels[k].algorithm())
                    .append(String.format(Locale.ROOT, " %.2f us", median[k] / 1000));
        }
        report = s.append(')').toString();
        // the other kernels' tables and scratch are garbage from now on
        Arrays.fill(kernels, null);
    }

    private TreeAlgorithm[] algorithms() {
        return Arrays.stream(kernels).map(ForestKernel::algorithm).toArray(TreeAlgorithm[]::new);
    }
}
