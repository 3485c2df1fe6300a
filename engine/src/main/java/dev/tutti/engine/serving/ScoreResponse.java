package dev.tutti.engine.serving;

import dev.tutti.engine.ensemble.RowExplanation;
import java.util.List;

/**
 * The answer to one request, its rows in the order they were sent.
 *
 * <p>Immutable by convention: the arrays are the request's own (no other request shares them) and
 * must not be changed by readers.
 *
 * @param values per row: P(positive class) for binary, the predicted class's probability for
 *     multiclass, the value for regression
 * @param predictedClasses per row: the predicted class index (-1 for regression)
 * @param probabilities per row: the class probabilities (binary: P(class 0), P(class 1)); empty rows for regression
 * @param confidence per row: the ensemble's confidence measure
 * @param membersUsed members that answered for every row of the request
 * @param membersMissing members missing for some row, each with the reason
 * @param degraded some member was missing: the answer was combined from the others
 * @param fallbackMember the member that answered alone because the quorum was not met, or null
 * @param explanations one per row in row order ({@link RowExplanation#row()} is the row's index in
 *     the request) when the request asked for them, else empty
 */
public record ScoreResponse(
        float[] values, int[] predictedClasses, float[][] probabilities, float[] confidence, List<String> membersUsed,
        List<String> membersMissing, boolean degraded, String fallbackMember, List<RowExplanation> explanations) {

    public ScoreResponse {
        explanations = List.copyOf(explanations);
        if (!explanations.isEmpty() && explanations.size() != values.length) {
            throw new IllegalArgumentException(explanations.size() + " explanations for " + values.length + " rows");
        }
    }

    /** An answer without explanations. */
    public ScoreResponse(float[] values, int[] predictedClasses, float[][] probabilities, float[] confidence, List<String> membersUsed,
            List<String> membersMissing, boolean degraded, String fallbackMember) {
        this(values, predictedClasses, probabilities, confidence, membersUsed, membersMissing, degraded, fallbackMember, List.of());
    }

    public int rows() {
        return values.length;
    }

    public boolean fallback() {
        return fallbackMember != null;
    }

    /** Whether the rows carry explanations (the request asked for them). */
    public boolean explained() {
        return !explanations.isEmpty();
    }
}
