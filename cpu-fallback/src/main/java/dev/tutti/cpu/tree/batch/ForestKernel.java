package dev.tutti.cpu.tree.batch;

import java.nio.FloatBuffer;

/**
 * One way of evaluating every tree of a forest over a block of rows: adds each tree's leaf value to
 * its output group's accumulator of every row, trees in model order, exactly as
 * {@link dev.tutti.cpu.tree.model.TreeEnsemble#margins} does for one row (float32 rounding after
 * each addition for XGBoost, plain double sums for LightGBM), so the margins are bit-identical
 * whatever the kernel.
 *
 * <p>Threads: an instance holds its tile and scratch and is used by one thread at a time; its model
 * arrays are immutable. Allocation: none in {@link #accumulate}.
 */
interface ForestKernel {

    /** The algorithm this kernel runs. */
    TreeAlgorithm algorithm();

    /** The most rows one {@link #accumulate} call takes. */
    int blockRows();

    /**
     * Adds the trees' leaf values of input rows {@code from .. from + rows} to {@code acc}.
     *
     * @param input rows of {@code width} floats from index 0 (absolute indexing)
     * @param rows at most {@link #blockRows()}
     * @param acc accumulators, group {@code g} of row {@code r} (counted from {@code from}) at
     *     {@code g * accStride + r}, holding the base margins on entry
     */
    void accumulate(FloatBuffer input, int from, int rows, int width, double[] acc, int accStride);
}
