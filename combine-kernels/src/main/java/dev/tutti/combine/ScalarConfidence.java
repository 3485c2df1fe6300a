package dev.tutti.combine;

/**
 * {@link ConfidenceKernels} over the scalar reference kernels of {@link Confidence}.
 *
 * <p>Threads: stateless. Allocation: none.
 */
enum ScalarConfidence implements ConfidenceKernels {
    INSTANCE;

    @Override
    public void predictedClass(Task task, ScoreMatrix combined, int[] out) {
        Confidence.predictedClass(task, combined, out);
    }

    @Override
    public void agreement(Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined,
            double spreadScale, float[] out) {
        Confidence.agreement(combiner, scores, present, combined, spreadScale, out);
    }

    @Override
    public void margin(Task task, ScoreMatrix combined, float[] out) {
        Confidence.margin(task, combined, out);
    }

    @Override
    public void entropy(Task task, ScoreMatrix combined, float[] out) {
        Confidence.entropy(task, combined, out);
    }

    @Override
    public String toString() {
        return "scalar confidence kernels";
    }
}
