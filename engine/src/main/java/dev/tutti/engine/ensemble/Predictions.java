package dev.tutti.engine.ensemble;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The answers for one batch, in buffers the caller owns and reuses: per row the combined outputs,
 * the predicted class, the confidence measures, every member's own output, and (when asked) an
 * explanation. Which members answered is per batch: every row of a batch saw the same members.
 *
 * <p>Threads: filled by one {@link Scorer} call, then read by the caller; not thread-safe.
 * Allocation: at construction; {@link Scorer#score} fills it without allocating unless a member
 * fails (its error text) or explanations are requested.
 */
public final class Predictions {
    private final Ensemble ensemble;
    final ScoreMatrix combined;
    final ScoreMatrix memberScores;
    final boolean[] present;
    final String[] memberErrors;
    final int[] predictedClass;
    final float[] confidence;
    final float[] agreement;
    final float[] margin;
    final float[] entropy;
    final List<RowExplanation> explanations = new ArrayList<>();
    int rows;
    /** The member that answered alone because the quorum was not met, or -1. */
    int fallbackMember = -1;

    /** Buffers for batches of up to {@code capacity} rows of {@code ensemble}. */
    public Predictions(Ensemble ensemble, int capacity) {
        this.ensemble = ensemble;
        int outputs = ensemble.manifest().outputs();
        int members = ensemble.members().size();
        this.combined = new ScoreMatrix(1, outputs, capacity);
        this.memberScores = new ScoreMatrix(members, outputs, capacity);
        this.present = new boolean[members];
        this.memberErrors = new String[members];
        this.predictedClass = new int[capacity];
        this.confidence = new float[capacity];
        this.agreement = new float[capacity];
        this.margin = new float[capacity];
        this.entropy = new float[capacity];
    }

    public int capacity() {
        return combined.capacity();
    }

    /** Rows of the last batch. */
    public int rows() {
        return rows;
    }

    /**
     * The row's headline value: P(class 1) for binary, the predicted class's probability for
     * multiclass, the predicted value for regression.
     */
    public float value(int row) {
        return ensemble.manifest().task() == Task.MULTICLASS
                ? combined.get(0, predictedClass[check(row)], row)
                : combined.get(0, 0, check(row));
    }

    /** Probability of class {@code k} (classification only). */
    public float probability(int row, int k) {
        Task task = ensemble.manifest().task();
        if (task == Task.REGRESSION) {
            throw new IllegalStateException("a regression ensemble has no class probabilities");
        }
        if (task == Task.BINARY) {
            float p = combined.get(0, 0, check(row));
            return k == 1 ? p : 1 - p;
        }
        return combined.get(0, k, check(row));
    }

    /** Predicted class index (-1 for regression). */
    public int predictedClass(int row) {
        return predictedClass[check(row)];
    }

    /** The predicted class's label, or the value as text for regression. */
    public String label(int row) {
        int k = predictedClass(row);
        return k < 0 ? Float.toString(value(row)) : ensemble.manifest().classes().get(k);
    }

    /** The ensemble's chosen confidence measure (see {@link dev.tutti.engine.manifest.ConfidenceMeasure}). */
    public float confidence(int row) {
        return confidence[check(row)];
    }

    /**
     * How much the members agree on the row, in [0, 1]. The sequential {@link Scorer} fills agreement,
     * margin and entropy; the {@link ConcurrentScorer} (the service's) only the ensemble's own measure,
     * the others are NaN there.
     */
    public float agreement(int row) {
        return agreement[check(row)];
    }

    /** Top class probability minus the runner-up's (NaN for regression). */
    public float margin(int row) {
        return margin[check(row)];
    }

    /** Normalised entropy of the class distribution in [0, 1] (NaN for regression). */
    public float entropy(int row) {
        return entropy[check(row)];
    }

    /** Member {@code member}'s output {@code output} for the row (NaN when it did not answer). */
    public float memberOutput(int member, int output, int row) {
        return present[member] ? memberScores.get(member, output, check(row)) : Float.NaN;
    }

    public boolean memberPresent(int member) {
        return present[member];
    }

    /** Why a member is missing from this batch, or null when it answered. */
    public String memberError(int member) {
        return memberErrors[member];
    }

    /** True when some member did not answer and the answer was combined from the others. */
    public boolean degraded() {
        for (boolean p : present) {
            if (!p) {
                return true;
            }
        }
        return false;
    }

    public List<String> membersUsed() {
        return members(true);
    }

    public List<String> membersMissing() {
        return members(false);
    }

    private List<String> members(boolean used) {
        List<String> names = new ArrayList<>();
        for (int m = 0; m < present.length; m++) {
            if (present[m] == used) {
                names.add(ensemble.members().get(m).spec().name());
            }
        }
        return names;
    }

    /**
     * Whether the quorum was not met and one member answered alone (the fallback chain); the
     * answer is that member's, flagged so. See {@link #fallbackMember()}.
     */
    public boolean fallback() {
        return fallbackMember >= 0;
    }

    /** The name of the member that answered alone, or null when the ensemble answered. */
    public String fallbackMember() {
        return fallbackMember < 0 ? null : ensemble.members().get(fallbackMember).spec().name();
    }

    /** Explanations of the last batch's rows, in row order, when the batch asked for them. */
    public List<RowExplanation> explanations() {
        return List.copyOf(explanations);
    }

    /** The missing members with their reasons, for error messages: {@code a@1 (why); b@2 (why)}. */
    String describeMissing() {
        List<String> missing = new ArrayList<>();
        for (int m = 0; m < present.length; m++) {
            if (!present[m]) {
                missing.add(ensemble.members().get(m).spec().pin() + " (" + memberErrors[m] + ")");
            }
        }
        return String.join("; ", missing);
    }

    void reset(int rows) {
        this.rows = rows;
        combined.rows(rows);
        memberScores.rows(rows);
        Arrays.fill(present, true);
        Arrays.fill(memberErrors, null);
        explanations.clear();
        fallbackMember = -1;
    }

    private int check(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside the batch of " + rows);
        }
        return row;
    }
}
