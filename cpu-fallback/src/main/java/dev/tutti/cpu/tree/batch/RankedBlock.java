package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A block of rows as integers, column by column, for {@link VQuickScorerKernel}. A numeric column
 * holds ranks: the column's distinct float thresholds (of the splits that read it) are sorted, and
 * a value's rank is how many of them it reaches, so a split goes right exactly when the rank is at
 * least {@link #rightFrom its position + 1}. A column of {@link CategoryCodes codes} (or of raw
 * values for the model to decide) holds the float's raw bits.
 *
 * <p>Threads: one thread at a time (the block is scratch). Allocation: none in {@link #fill}.
 */
final class RankedBlock {
    private static final int STAGE_ROWS = 64;

    private final TileColumns columns;
    private final RowTile stage;
    private final float[][] thresholds;
    /** Column {@code c} of row {@code r} at {@code ranks[c][r]}. */
    final int[][] ranks;

    RankedBlock(TreeEnsemble model, TileColumns columns, int rows) {
        this.columns = columns;
        this.stage = new RowTile(columns, Math.min(STAGE_ROWS, rows), model.featureCount());
        int count = columns.zeroColumn();
        List<TreeSet<Float>> sets = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            sets.add(new TreeSet<>());
        }
        for (int n = 0; n < model.nodeCount(); n++) {
            if (!CategoryCodes.isCategorical(model, n)) {
                sets.get(columns.column(model, n)).add(PlainSplit.floatThreshold(model.splitThreshold(n)));
            }
        }
        thresholds = new float[count][];
        for (int c = 0; c < count; c++) {
            thresholds[c] = new float[sets.get(c).size()];
            int i = 0;
            for (float t : sets.get(c)) {
                thresholds[c][i++] = t;
            }
        }
        ranks = new int[count][rows];
    }

    /** The rank from which numeric split {@code node} goes right. */
    int rightFrom(TreeEnsemble model, int node) {
        float threshold = PlainSplit.floatThreshold(model.splitThreshold(node));
        return Arrays.binarySearch(thresholds[columns.column(model, node)], threshold) + 1;
    }

    /** The highest rank a numeric column can hold: its number of distinct thresholds, the largest over the columns. */
    int maxRank() {
        int max = 0;
        for (float[] t : thresholds) {
            max = Math.max(max, t.length);
        }
        return max;
    }

    /** Fills the block with input rows {@code from .. from + rows}, staged through a row tile. */
    void fill(FloatBuffer input, int from, int rows, int width) {
        for (int done = 0; done < rows; done += stage.rows) {
            int n = Math.min(stage.rows, rows - done);
            stage.fill(input, from + done, n, width);
            float[] tile = stage.values;
            int stride = stage.stride;
            for (int c = 0; c < thresholds.length; c++) {
                int[] q = ranks[c];
                if (columns.holdsCodes(c) || columns.holdsRawValues(c)) {
                    for (int r = 0; r < n; r++) {
                        q[done + r] = Float.floatToRawIntBits(tile[r * stride + c]);
                    }
                } else {
                    float[] ts = thresholds[c];
                    for (int r = 0; r < n; r++) {
                        q[done + r] = rank(ts, tile[r * stride + c]);
                    }
                }
            }
        }
    }

    /** How many of the sorted {@code thresholds} are {@code <= x}: a binary search without data-dependent branches. */
    static int rank(float[] thresholds, float x) {
        int base = 0;
        int n = thresholds.length;
        while (n > 1) {
            int half = n >>> 1;
            base = thresholds[base + half - 1] <= x ? base + half : base;
            n -= half;
        }
        return n == 1 && thresholds[base] <= x ? base + 1 : base;
    }
}
