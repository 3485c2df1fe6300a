package dev.tutti.bench.trees;

/**
 * One way of scoring batches of a {@link BenchModel}'s rows: Tutti's tree member (with one of its
 * evaluations), XGBoost4J or LightGBM. Every contender starts from the same Java rows and ends with
 * the outputs readable in Java, so each pays what a Java caller pays.
 *
 * <p>Threads: one thread. Allocation: whatever the library needs per call.
 */
interface Contender extends AutoCloseable {

    /** A short name for tables. */
    String name();

    /**
     * Scores rows {@code [from, from + count)} of the model's rows; returns one of the outputs (to
     * feed a blackhole).
     */
    double score(int from, int count);

    /** Output {@code output} of row {@code row} (0-based within the last {@link #score} call). */
    double output(int row, int output);

    @Override
    void close();
}
