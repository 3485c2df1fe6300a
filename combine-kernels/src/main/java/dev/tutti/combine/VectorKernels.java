package dev.tutti.combine;

import dev.tutti.combine.VectorLinearCombiner.Input;
import dev.tutti.combine.VectorLinearCombiner.Link;

/**
 * The entry to the Vector API kernels: the only class {@link CombinerKernels} calls into, and only once
 * it knows the {@code jdk.incubator.vector} module is loaded (loading this class's callees without it
 * fails with {@link NoClassDefFoundError}).
 *
 * <p>Threads: stateless. Allocation: each call to {@link #combiner} builds a kernel (load time).
 */
final class VectorKernels {
    private VectorKernels() {}

    /** Bits of the preferred float species (512 with AVX-512, 256 with AVX2, 128 with SSE or NEON). */
    static int bits() {
        return VectorMath.SPECIES.vectorBitSize();
    }

    /** The SIMD version of a scalar combiner, or the combiner itself when it has none. */
    static Combiner combiner(Combiner reference) {
        boolean binary = reference.task() == Task.BINARY;
        return switch (reference) {
            case WeightedAverage c -> VectorLinearCombiner.weighted(c, Input.VALUE, Link.NONE, 0);
            case GeometricMean c -> binary
                    ? VectorLinearCombiner.weighted(c, Input.LOGIT, Link.SIGMOID, 0)
                    : VectorLinearCombiner.weighted(c, Input.LOG, Link.SOFTMAX, 0);
            case LogitAverage c -> VectorLinearCombiner.weighted(c, Input.LOGIT, binary ? Link.SIGMOID : Link.SIGMOID_NORMALISED, 0);
            case Voting c -> binary
                    ? VectorLinearCombiner.weighted(c, Input.VOTE, Link.NONE, c.threshold())
                    : VectorLinearCombiner.weighted(c, Input.ARGMAX_VOTE, Link.NONE, 0);
            case RankAverage c -> new VectorRankAverage(c);
            case Stacking c -> VectorLinearCombiner.stacking(c);
            default -> reference;
        };
    }

    static ConfidenceKernels confidence() {
        return VectorConfidence.INSTANCE;
    }
}
