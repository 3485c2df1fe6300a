package dev.tutti.transport.client;

import dev.tutti.transport.protocol.ModelMetadata;
import dev.tutti.transport.protocol.ScoreResponseDecoder;
import java.util.List;

/**
 * A score response, copied out of its frame: per row the value, predicted class, confidence and
 * class probabilities; for the request the members used and missing (bit masks over the ensemble's
 * members in metadata order), the reasons of the missing ones, and the degraded and fallback flags.
 *
 * <p>Immutable once made (the arrays are not shared). Allocation: the arrays, once.
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
}
