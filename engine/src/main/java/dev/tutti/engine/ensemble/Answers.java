package dev.tutti.engine.ensemble;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.Confidence;
import dev.tutti.combine.ConfidenceKernels;
import dev.tutti.combine.Explanation;
import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.MemberContribution;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.EnsembleManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * The last steps of answering a batch, shared by the sequential and the concurrent scorer: the
 * predicted class, the confidence measures, and on request the explanations.
 *
 * <p>Threads: stateless; runs on the scoring thread. Allocation: none unless explanations are asked for.
 */
final class Answers {
    private Answers() {}

    /**
     * Fills predicted class, agreement, margin, entropy and confidence from {@code out.combined}, with
     * the confidence kernels the ensemble chose (Vector API or scalar).
     */
    static void confidence(EnsembleManifest manifest, Combiner combiner, ConfidenceKernels kernels, Predictions out) {
        Task task = manifest.task();
        kernels.predictedClass(task, out.combined, out.predictedClass);
        kernels.agreement(combiner, out.memberScores, out.present, out.combined, manifest.spreadScale(), out.agreement);
        kernels.margin(task, out.combined, out.margin);
        kernels.entropy(task, out.combined, out.entropy);
        int rows = out.rows;
        switch (manifest.confidence()) {
            case AGREEMENT -> System.arraycopy(out.agreement, 0, out.confidence, 0, rows);
            case MARGIN -> System.arraycopy(out.margin, 0, out.confidence, 0, rows);
            case ENTROPY -> {
                for (int r = 0; r < rows; r++) {
                    out.confidence[r] = 1 - out.entropy[r];
                }
            }
        }
    }

    /** Adds one explanation per row to {@code out}. */
    static void explain(Ensemble ensemble, Combiner combiner, FeatureRows features, Predictions out) {
        EnsembleManifest manifest = ensemble.manifest();
        for (int r = 0; r < out.rows; r++) {
            int output = manifest.task() == Task.MULTICLASS ? out.predictedClass[r] : 0;
            Explanation e = combiner.explain(out.memberScores, out.present, features, r, output);
            double consensus = Confidence.consensus(combiner, out.memberScores, out.present, r, out.predictedClass[r],
                    manifest.spreadScale());
            List<RowExplanation.Part> parts = new ArrayList<>(e.members().size());
            for (MemberContribution c : e.members()) {
                parts.add(new RowExplanation.Part(ensemble.members().get(c.member()).spec().name(), c.present(), c.output(),
                        c.weight(), c.contribution()));
            }
            out.explanations.add(new RowExplanation(r, e.space(), output, e.base(), e.combinedInSpace(), consensus, parts));
        }
    }
}
