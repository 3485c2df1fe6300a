package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link TreeAlgorithm#TRAVERSAL}: the rows of a block walk each tree together, one level at a time,
 * so the out-of-order core overlaps the independent node and feature loads of many rows.
 *
 * <p>Layout: one {@code int[]} of four-int nodes (one bounds check and one cache line per node),
 * every tree's nodes in breadth-first order with the children of a split adjacent, so a step is
 * {@code node = leftChild + (x >= threshold ? 1 : 0)} on the column the split reads
 * ({@link TileColumns} has folded missing values into that comparison). A categorical split holds a
 * goes-right mask over {@link CategoryCodes} in place of the threshold and steps by one bit of it,
 * without a branch; one with categories of 62 or more is decided by the model. A leaf is its own
 * child and tests the tile's constant-zero column against {@code +inf}, so a row that reached a leaf
 * stays there: balanced trees take exactly their depth in steps with no leaf test, deeper and
 * unbalanced ones step only the rows still on a split.
 *
 * <p>Threads: one thread at a time (the tile and the per-row positions are scratch). Allocation:
 * none in {@link #accumulate}.
 */
final class TraversalKernel implements ForestKernel {
    /**
     * Ints per node: column (with the flags), threshold bits (or the mask's low half), left child
     * index, the mask's high half (or the model's split id).
     */
    private static final int NODE = 4;
    private static final int CATEGORICAL = 1 << 31;
    private static final int BY_MODEL = 1 << 30;
    private static final int COLUMN_MASK = ~(CATEGORICAL | BY_MODEL);

    private final int[] node;
    private final double[] value;
    private final TreeEnsemble model;
    /** Whether some split is categorical (else the step is the numeric test alone). */
    private final boolean mixed;
    private final int[] root;
    private final int[] depth;
    private final boolean[] balanced;
    private final int[] group;
    private final boolean float32;
    private final RowTile rowTile;
    private final int[] position;
    private final int[] active;

    TraversalKernel(TreeEnsemble model, TileColumns columns, int tileRows) {
        this.model = model;
        this.rowTile = new RowTile(columns, tileRows, model.featureCount());
        int trees = model.treeCount();
        int total = model.nodeCount() + model.leafCount();
        node = new int[total * NODE];
        value = new double[total];
        boolean anyCategorical = false;
        for (int n = 0; n < model.nodeCount(); n++) {
            anyCategorical |= CategoryCodes.isCategorical(model, n);
        }
        this.mixed = anyCategorical;
        root = new int[trees];
        depth = new int[trees];
        balanced = new boolean[trees];
        group = new int[trees];
        float32 = model.accumulation() == TreeEnsemble.Accumulation.FLOAT32;
        position = new int[tileRows];
        active = new int[tileRows];

        int[] queue = new int[total];
        int[] level = new int[total];
        int next = 0;
        for (int t = 0; t < trees; t++) {
            group[t] = model.treeGroup(t);
            next = layOut(t, next, columns, queue, level);
        }
    }

    /**
     * Lays tree {@code t} out breadth-first from node {@code base}; returns the next free node.
     * {@code queue[i]} is the model reference (split id or {@code ~leaf}) placed at {@code base + i}.
     */
    private int layOut(int t, int base, TileColumns columns, int[] queue, int[] level) {
        root[t] = base * NODE;
        int head = 0;
        int tail = 0;
        queue[tail] = model.treeRoot(t);
        level[tail++] = 0;
        int next = base + 1;
        int leaves = 0;
        while (head < tail) {
            int at = (base + head) * NODE;
            int ref = queue[head];
            int lv = level[head++];
            depth[t] = Math.max(depth[t], lv);
            if (ref < 0) {
                node[at] = columns.zeroColumn();
                node[at + 1] = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
                node[at + 2] = at;
                value[at / NODE] = model.leafValue(~ref);
                leaves++;
                continue;
            }
            node[at] = columns.column(model, ref);
            if (TileColumns.readsRawValue(model, ref)) {
                node[at] |= CATEGORICAL | BY_MODEL;
                node[at + 3] = ref;
            } else if (CategoryCodes.isCategorical(model, ref)) {
                long mask = CategoryCodes.rightMask(model, ref);
                node[at] |= CATEGORICAL;
                node[at + 1] = (int) mask;
                node[at + 3] = (int) (mask >>> 32);
            } else {
                node[at + 1] = Float.floatToRawIntBits(PlainSplit.floatThreshold(model.splitThreshold(ref)));
            }
            node[at + 2] = next * NODE;
            queue[tail] = model.leftChild(ref);
            level[tail++] = lv + 1;
            queue[tail] = model.rightChild(ref);
            level[tail++] = lv + 1;
            next += 2;
        }
        // no deeper than a complete tree of as many leaves, plus one: most rows take every step anyway
        balanced[t] = depth[t] <= 32 - Integer.numberOfLeadingZeros(leaves - 1) + 1;
        return next;
    }

    @Override
    public TreeAlgorithm algorithm() {
        return TreeAlgorithm.TRAVERSAL;
    }

    @Override
    public int blockRows() {
        return rowTile.rows;
    }

    @Override
    public void accumulate(FloatBuffer input, int from, int rows, int width, double[] acc, int accStride) {
        rowTile.fill(input, from, rows, width);
        accumulate(rowTile.values, rows, rowTile.stride, acc, accStride);
    }

    private void accumulate(float[] tile, int rows, int stride, double[] acc, int accStride) {
        int[] pos = position;
        int[] nodes = node;
        for (int t = 0; t < root.length; t++) {
            int start = root[t];
            int levels = depth[t];
            if (levels > 0) {
                firstLevel(start, tile, rows, stride);
                if (balanced[t]) {
                    for (int d = 1; d < levels; d++) {
                        for (int r = 0; r < rows; r++) {
                            pos[r] = step(nodes, pos[r], tile, r * stride);
                        }
                    }
                } else {
                    walkActive(tile, rows, stride, levels);
                }
            } else {
                Arrays.fill(pos, 0, rows, start);
            }
            int base = group[t] * accStride;
            if (float32) {
                for (int r = 0; r < rows; r++) {
                    acc[base + r] = (float) (acc[base + r] + value[pos[r] / NODE]);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    acc[base + r] += value[pos[r] / NODE];
                }
            }
        }
    }

    /**
     * Steps only the rows still on a split: after each level the rows that moved are kept in
     * {@link #active} (a row that reached a leaf stops moving), so a deep, unbalanced tree costs
     * each row about its own path instead of the tree's depth.
     */
    private void walkActive(float[] tile, int rows, int stride, int levels) {
        int[] pos = position;
        int[] act = active;
        int[] nodes = node;
        for (int r = 0; r < rows; r++) {
            act[r] = r;
        }
        int count = rows;
        for (int d = 1; d < levels && count > 0; d++) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int r = act[i];
                int n = pos[r];
                int next = step(nodes, n, tile, r * stride);
                pos[r] = next;
                act[kept] = r;
                kept += next != n ? 1 : 0;
            }
            count = kept;
        }
    }

    /** Every row starts at the root: its column, threshold and child are read once. */
    private void firstLevel(int start, float[] tile, int rows, int stride) {
        int[] pos = position;
        int column = node[start];
        if (column < 0) {
            for (int r = 0; r < rows; r++) {
                pos[r] = step(node, start, tile, r * stride);
            }
            return;
        }
        float threshold = Float.intBitsToFloat(node[start + 1]);
        int left = node[start + 2];
        for (int r = 0; r < rows; r++) {
            pos[r] = left + (tile[r * stride + column] >= threshold ? NODE : 0);
        }
    }

    private int step(int[] nodes, int n, float[] tile, int rowBase) {
        int column = nodes[n];
        if (!mixed) {
            return nodes[n + 2] + (tile[rowBase + column] >= Float.intBitsToFloat(nodes[n + 1]) ? NODE : 0);
        }
        if ((column & BY_MODEL) != 0) {
            return nodes[n + 2] + (model.goesLeft(nodes[n + 3], tile[rowBase + (column & COLUMN_MASK)]) ? 0 : NODE);
        }
        // both tests, then a branch-free choice: numeric and categorical splits mix at every level
        float x = tile[rowBase + (column & COLUMN_MASK)];
        int low = nodes[n + 1];
        int numeric = x >= Float.intBitsToFloat(low) ? 1 : 0;
        long mask = ((long) nodes[n + 3] << 32) | (low & 0xFFFF_FFFFL);
        int categorical = (int) (mask >>> CategoryCodes.codeOf(x)) & 1;
        int isCategorical = column >> 31;
        return nodes[n + 2] + NODE * ((numeric & ~isCategorical) | (categorical & isCategorical));
    }
}
