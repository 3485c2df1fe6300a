package dev.tutti.engine.serving;

import java.util.List;

/**
 * The answer to one request, its rows in the order they were sent.
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
 */
public record ScoreResponse(
        float[] values, int[] predictedClasses, float[][] probabilities, float[] confidence, List<String> membersUsed,
        List<String> membersMissing, boolean degraded, String fallbackMember) {

    public int rows() {
        return values.length;
    }

    public boolean fallback() {
        return fallbackMember != null;
    }
}
