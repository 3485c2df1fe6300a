package dev.tutti.combine;

/**
 * The batch confidence kernels of {@link Confidence} as an object, so that a caller can hold the
 * implementation {@link CombinerKernels} chose (Vector API or scalar) without knowing which. Every
 * implementation computes what the {@link Confidence} method of the same name documents, checks the
 * same arguments and throws the same exceptions; vector versions differ from the scalar reference
 * only by float rounding.
 *
 * <p>Threads: implementations are stateless and shareable. Allocation: none (argument checks allocate
 * their message only when they throw).
 */
public interface ConfidenceKernels {

    /** See {@link Confidence#predictedClass(Task, ScoreMatrix, int[])}. */
    void predictedClass(Task task, ScoreMatrix combined, int[] out);

    /** See {@link Confidence#agreement}. */
    void agreement(Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined, double spreadScale,
            float[] out);

    /** See {@link Confidence#margin}. */
    void margin(Task task, ScoreMatrix combined, float[] out);

    /** See {@link Confidence#entropy}. */
    void entropy(Task task, ScoreMatrix combined, float[] out);

    /** The scalar reference: {@link Confidence}'s static kernels. */
    static ConfidenceKernels scalar() {
        return ScalarConfidence.INSTANCE;
    }
}
