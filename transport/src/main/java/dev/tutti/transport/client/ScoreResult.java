package dev.tutti.transport.client;

import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.transport.protocol.ExplanationDecoder;
import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.protocol.ScoreResponseDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A score response, copied out of its frame: per row the value, predicted class, confidence and
 * class probabilities; for the request the members used and missing (bit masks over the ensemble's
 * members in metadata order), the reasons of the missing ones, and the degraded and fallback flags;
 * when the request asked for them ({@link ScoreOptions#withExplanations()}), each row's explanation.
 *
 * <p>Immutable once made (the arrays are not shared); safe to read from any thread. Allocation: the
 * arrays, once; {@link #explanation} makes the explanation it returns.
 */
public final class ScoreResult {
    private final int rows;
    private final int classCount;
    private final float[] values;
    private final int[] predictedClasses;
    private final float[] confidence;
    private final float[] probabilities;
    private final long membersUsed;
    private final long membersMissing;
    private final int fallbackMember;
    private final List<String> missingReasons;
    private final boolean degraded;
    private final boolean fallback;
    private final Explanations explanations; // null unless explained

    ScoreResult(ScoreResponseDecoder d, boolean degraded, boolean fallback) {
        this.rows = d.rowCount();
        this.classCount = d.classCount();
        this.values = new float[rows];
        this.predictedClasses = new int[rows];
        this.confidence = new float[rows];
        this.probabilities = new float[rows * classCount];
        for (int r = 0; r < rows; r++) {
            values[r] = d.value(r);
            predictedClasses[r] = d.predictedClass(r);
            confidence[r] = d.confidence(r);
            for (int k = 0; k < classCount; k++) {
                probabilities[r * classCount + k] = d.probability(r, k);
            }
        }
        this.membersUsed = d.membersUsed();
        this.membersMissing = d.membersMissing();
        this.fallbackMember = d.fallbackMember();
        this.missingReasons = membersMissing == 0 ? List.of() : List.copyOf(d.missingReasons());
        this.degraded = degraded;
        this.fallback = fallback;
        this.explanations = d.explained() ? new Explanations(d.explanations()) : null;
    }

    public int rows() {
        return rows;
    }

    /** Probabilities per row: 2 for binary, K for multiclass, 0 for regression. */
    public int classCount() {
        return classCount;
    }

    /** P(positive class) for binary, the predicted class's probability for multiclass, the value for regression. */
    public float value(int row) {
        return values[row];
    }

    /** The predicted class index, or -1 for regression. */
    public int predictedClass(int row) {
        return predictedClasses[row];
    }

    public float confidence(int row) {
        return confidence[row];
    }

    public float probability(int row, int k) {
        return probabilities[row * classCount + k];
    }

    /** Bit i set: member i (metadata order) answered for every row. */
    public long membersUsedMask() {
        return membersUsed;
    }

    /** Bit i set: member i was missing for some row. */
    public long membersMissingMask() {
        return membersMissing;
    }

    public List<String> membersUsed(ModelMetadata metadata) {
        return metadata.membersIn(membersUsed);
    }

    public List<String> membersMissing(ModelMetadata metadata) {
        return metadata.membersIn(membersMissing);
    }

    /** Why each missing member was missing, lowest bit first. */
    public List<String> missingReasons() {
        return missingReasons;
    }

    /** The member that answered alone, or -1. */
    public int fallbackMember() {
        return fallbackMember;
    }

    public boolean degraded() {
        return degraded;
    }

    public boolean fallback() {
        return fallback;
    }

    /** Whether every row carries its explanation (the request asked for them). */
    public boolean explained() {
        return explanations != null;
    }

    /**
     * Why row {@code row} got its answer, as the engine explains it in process: {@code base + sum of
     * the members' contributions = combinedInSpace} in the row's space, the consensus, and per member
     * (named from {@code metadata}, the ensemble's) whether it answered, its output, weight and
     * contribution. {@link RowExplanation#row()} is the row's index in the request.
     *
     * @throws IllegalStateException when the request did not ask for explanations
     */
    public RowExplanation explanation(int row, ModelMetadata metadata) {
        if (explanations == null) {
            throw new IllegalStateException("this answer carries no explanations: ask for them with ScoreOptions.withExplanations()");
        }
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside the answer's " + rows + " rows");
        }
        return explanations.row(row, metadata.members());
    }

    /** The explanation section, copied out of the frame. */
    private static final class Explanations {
        private static final int MEMBER_VALUES = 3;
        private final int members;
        private final int[] outputs;
        private final int[] spaces;
        private final long[] present;
        private final double[] base;
        private final double[] combined;
        private final double[] consensus;
        private final double[] memberValues; // row-major: rows x members x (output, weight, contribution)

        Explanations(ExplanationDecoder d) {
            int rows = d.rowCount();
            this.members = d.memberCount();
            this.outputs = new int[rows];
            this.spaces = new int[rows];
            this.present = new long[rows];
            this.base = new double[rows];
            this.combined = new double[rows];
            this.consensus = new double[rows];
            this.memberValues = new double[rows * members * MEMBER_VALUES];
            for (int r = 0; r < rows; r++) {
                outputs[r] = d.output(r);
                spaces[r] = d.spaceCode(r);
                present[r] = d.membersPresent(r);
                base[r] = d.base(r);
                combined[r] = d.combinedInSpace(r);
                consensus[r] = d.consensus(r);
                for (int m = 0; m < members; m++) {
                    int at = (r * members + m) * MEMBER_VALUES;
                    memberValues[at] = d.memberOutput(r, m);
                    memberValues[at + 1] = d.memberWeight(r, m);
                    memberValues[at + 2] = d.memberContribution(r, m);
                }
            }
        }

        RowExplanation row(int r, List<String> names) {
            if (names.size() != members) {
                throw new IllegalArgumentException("the metadata names " + names.size() + " members; the answer explains " + members);
            }
            List<RowExplanation.Part> parts = new ArrayList<>(members);
            for (int m = 0; m < members; m++) {
                int at = (r * members + m) * MEMBER_VALUES;
                parts.add(new RowExplanation.Part(names.get(m), (present[r] & 1L << m) != 0, memberValues[at], memberValues[at + 1],
                        memberValues[at + 2]));
            }
            return new RowExplanation(r, ExplanationDecoder.spaceOf(spaces[r]), outputs[r], base[r], combined[r], consensus[r], parts);
        }
    }
}
