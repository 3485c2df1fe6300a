package dev.tutti.combine;

/**
 * Combines the scores of an ensemble's members into one answer per row.
 *
 * <p>Input: a {@link ScoreMatrix} of {@code members() x outputs() x rows} and a mask of the members
 * that answered. Members that did not answer are ignored and the weights of those that did are
 * renormalised to sum to one, so a missing member never skews the answer. When no member with a
 * positive weight is present the output is NaN for every row: callers must check
 * {@link #canAnswer(boolean[])} first and never serve NaN as an answer.
 *
 * <p>Output: a {@link ScoreMatrix} with one member and {@code outputs()} outputs: the positive-class
 * probability (binary), class probabilities (multiclass) or the value (regression).
 *
 * <p>Threads: implementations are immutable after construction and may be shared by threads, each
 * passing its own matrices. Allocation: {@link #combine} allocates nothing; {@link #explain} allocates
 * its result.
 */
public interface Combiner {

    /** The combiner's name as written in manifests, e.g. {@code weighted-average}. */
    String name();

    Task task();

    int members();

    /** Outputs per row, in the input matrix and in the result. */
    int outputs();

    ContributionSpace space();

    /**
     * The member's nominal weight before renormalisation (1 for combiners without weights; for
     * stacking, 1 as well: its coefficients are not weights). Used by the confidence kernels.
     */
    double weight(int member);

    /** Whether the combiner can produce an answer from the members present. */
    boolean canAnswer(boolean[] present);

    /**
     * Combines rows {@code [0, scores.rows())}.
     *
     * @param scores members x outputs x rows; entries of absent members are not read
     * @param present {@code present[m]} is true when member m answered
     * @param features the input rows, read only by combiners with pass-through features (may be null otherwise)
     * @param out 1 x outputs x rows; its row count is set to {@code scores.rows()}
     */
    void combine(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out);

    /** Explains one row's value of {@code output} (see {@link Explanation}). */
    Explanation explain(ScoreMatrix scores, boolean[] present, FeatureRows features, int row, int output);
}
