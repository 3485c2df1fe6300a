package dev.tutti.engine.ensemble;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.Confidence;
import dev.tutti.combine.ConfidenceKernels;
import dev.tutti.combine.ContributionSpace;
import dev.tutti.combine.Explanation;
import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.MemberContribution;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.ConfidenceMeasure;
import dev.tutti.engine.manifest.EnsembleManifest;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Fills the predicted class and the confidence from {@code out.combined}; with {@code allMeasures}
     * also every confidence measure (agreement, margin, entropy), else only the ensemble's own measure,
     * the other two left NaN (the concurrent scorer, whose caller reads only the confidence: it saves
     * their cost on every batch).
     */
    static void confidence(EnsembleManifest manifest, Combiner combiner, ConfidenceKernels kernels, Predictions out,
            boolean allMeasures) {
        Task task = manifest.task();
        int rows = out.rows;
        ConfidenceMeasure chosen = manifest.confidence();
        kernels.predictedClass(task, out.combined, out.predictedClass);
        if (allMeasures || chosen == ConfidenceMeasure.AGREEMENT) {
            kernels.agreement(combiner, out.memberScores, out.present, out.combined, manifest.spreadScale(), out.agreement);
        } else {
            Arrays.fill(out.agreement, 0, rows, Float.NaN);
        }
        if (allMeasures || chosen == ConfidenceMeasure.MARGIN) {
            kernels.margin(task, out.combined, out.margin);
        } else {
            Arrays.fill(out.margin, 0, rows, Float.NaN);
        }
        if (allMeasures || chosen == ConfidenceMeasure.ENTROPY) {
            kernels.entropy(task, out.combined, out.entropy);
        } else {
            Arrays.fill(out.entropy, 0, rows, Float.NaN);
        }
        switch (chosen) {
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
        for (int r = 0; r < out.rows; r++) {
            out.explanations.add(explainRow(ensemble, combiner, features, out, r, r));
        }
    }

    /**
     * Explains row {@code r} of the batch in {@code out}, as combined by {@code combiner}; the
     * result names the row {@code reportedRow} (its index in the caller's request). Allocates.
     */
    static RowExplanation explainRow(Ensemble ensemble, Combiner combiner, FeatureRows features, Predictions out, int r,
            int reportedRow) {
        EnsembleManifest manifest = ensemble.manifest();
        int output = manifest.task() == Task.MULTICLASS ? out.predictedClass[r] : 0;
        double consensus = Confidence.consensus(combiner, out.memberScores, out.present, r, out.predictedClass[r],
                manifest.spreadScale());
        if (out.fallbackMember >= 0) {
            return alone(ensemble, out, r, reportedRow, output, consensus);
        }
        Explanation e = combiner.explain(out.memberScores, out.present, features, r, output);
        List<RowExplanation.Part> parts = new ArrayList<>(e.members().size());
        for (MemberContribution c : e.members()) {
            parts.add(new RowExplanation.Part(ensemble.members().get(c.member()).spec().name(), c.present(), c.output(),
                    c.weight(), c.contribution()));
        }
        return new RowExplanation(reportedRow, e.space(), output, e.base(), e.combinedInSpace(), consensus, parts);
    }

    /**
     * The quorum was not met and one member answered alone: the answer is that member's output, so
     * it is explained in {@link ContributionSpace#VALUE} with base 0, that member at weight 1
     * contributing all of it, and every other member (answered or not) at weight 0.
     */
    private static RowExplanation alone(Ensemble ensemble, Predictions out, int r, int reportedRow, int output, double consensus) {
        int alone = out.fallbackMember;
        List<RowExplanation.Part> parts = new ArrayList<>(out.present.length);
        double value = out.memberScores.get(alone, output, r);
        for (int m = 0; m < out.present.length; m++) {
            String name = ensemble.members().get(m).spec().name();
            double score = out.present[m] ? out.memberScores.get(m, output, r) : Double.NaN;
            parts.add(m == alone ? new RowExplanation.Part(name, true, value, 1, value)
                    : new RowExplanation.Part(name, out.present[m], score, 0, 0));
        }
        return new RowExplanation(reportedRow, ContributionSpace.VALUE, output, 0, value, consensus, parts);
    }
}
