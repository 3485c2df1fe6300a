package dev.tutti.combine;

/**
 * The combine and confidence kernels that have a Vector API version, with what the benchmarks measured
 * of it against the scalar reference ({@code docs/benchmarks.md}, {@code dev.tutti.bench.combine}).
 * {@link CombinerKernels} runs a kernel's SIMD version only where it measured faster: "faster" is a
 * fact recorded here, from a side-by-side JMH run, not a guess made at start-up.
 *
 * <p>The figures are the median SIMD/scalar speed ratios of the 2026-11-22 run in docs/benchmarks.md
 * (JMH, 3 forks, 10 members, binary at 256 and 4096 rows unless said otherwise, 256 rows for the
 * other tasks) on a 512-bit AVX-512 machine (Zen 4). Every kernel measured faster in every task
 * (regression's predicted class, margin and entropy are constant fills, the same code in both). A
 * machine with narrower vectors gains less; the provider refuses species below 256 bits altogether.
 * A kernel whose SIMD version a later run finds slower gets {@code false} here, and then runs scalar.
 */
public enum Kernel {
    WEIGHTED_AVERAGE("weighted-average", true, "10.9x at 256x10, 19.6x at 4096x10; multiclass 14.5x, regression 10.4x"),
    VOTING("voting", true, "13.0x, 21.9x; multiclass 118x"),
    RANK_AVERAGE("rank-average", true, "8.8x, 10.8x"),
    GEOMETRIC_MEAN("geometric-mean", true, "56x, 52x; multiclass 38x"),
    LOGIT_AVERAGE("logit-average", true, "33x, 37x; multiclass 70x"),
    STACKING("stacking", true, "36x, 36x; multiclass 60x, regression 19x"),
    PREDICTED_CLASS("predicted-class", true, "5.2x, 6.4x; multiclass 15x"),
    AGREEMENT("agreement", true, "10.6x, 11.6x; multiclass 7.8x, regression 11.0x"),
    MARGIN("margin", true, "2.3x, 2.6x; multiclass 4.8x"),
    ENTROPY("entropy", true, "20x, 22x; multiclass 17x");

    private final String label;
    private final boolean simdFaster;
    private final String measured;

    Kernel(String label, boolean simdFaster, String measured) {
        this.label = label;
        this.simdFaster = simdFaster;
        this.measured = measured;
    }

    /** Whether the SIMD version measured faster than the scalar reference. */
    public boolean simdFaster() {
        return simdFaster;
    }

    /** What was measured, for the start-up log. */
    public String measured() {
        return measured;
    }

    /** The kernel of a scalar combiner, or null for a combiner without a SIMD version. */
    public static Kernel of(Combiner combiner) {
        return switch (combiner) {
            case WeightedAverage c -> WEIGHTED_AVERAGE;
            case Voting c -> VOTING;
            case RankAverage c -> RANK_AVERAGE;
            case GeometricMean c -> GEOMETRIC_MEAN;
            case LogitAverage c -> LOGIT_AVERAGE;
            case Stacking c -> STACKING;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
