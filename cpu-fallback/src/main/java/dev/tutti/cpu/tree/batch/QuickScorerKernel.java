package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@link TreeAlgorithm#QUICKSCORER}: trees of at most 64 leaves, leaves numbered left to right in
 * a 64-bit mask per tree. A split a row does not take left is a false split; it clears the leaves
 * of its left subtree. The exit leaf is the lowest bit left. The numeric splits reading each tile
 * column are sorted by threshold, so a row's false splits of a column are the prefix with
 * {@code threshold <= x} ({@link TileColumns} has turned missing values into infinities); the scan
 * has no data-dependent branch but its end. Categorical splits are decided one by one, by a bit of
 * their {@link CategoryCodes} mask (or by the model for sets with categories of 62 or more).
 *
 * <p>Threads: one thread at a time (the tile and the leaf masks are scratch). Allocation: none in
 * {@link #accumulate}.
 */
final class QuickScorerKernel implements ForestKernel {
    private static final int MAX_LEAVES = 64;

    private final int[] usedColumns;
    private final int[] numericOffset;
    private final float[] numericThreshold;
    private final int[] numericTree;
    private final long[] numericMask;
    private final int[] categoricalOffset;
    private final long[] categoricalRight;
    private final int[] categoricalNode;
    private final int[] categoricalTree;
    private final long[] categoricalMask;
    private final TreeEnsemble model;
    private final int[] leafBase;
    private final double[] leafValue;
    private final int[] group;
    private final boolean float32;
    private final long[] leaves;
    private final RowTile rowTile;

    /** Whether every tree of {@code model} has at most 64 leaves. */
    static boolean supports(TreeEnsemble model) {
        for (int t = 0; t < model.treeCount(); t++) {
            if (leafCount(model, model.treeRoot(t)) > MAX_LEAVES) {
                return false;
            }
        }
        return true;
    }

    private static int leafCount(TreeEnsemble model, int ref) {
        return ref < 0 ? 1 : leafCount(model, model.leftChild(ref)) + leafCount(model, model.rightChild(ref));
    }

    private record Split(int column, int node, int tree, long mask) {}

    QuickScorerKernel(TreeEnsemble model, TileColumns columns, int tileRows) {
        this.rowTile = new RowTile(columns, tileRows, model.featureCount());
        int trees = model.treeCount();
        int columnCount = columns.stride();
        this.model = model;
        leafBase = new int[trees];
        group = new int[trees];
        leaves = new long[trees];
        float32 = model.accumulation() == TreeEnsemble.Accumulation.FLOAT32;
        leafValue = new double[model.leafCount()];
        List<Split> splits = new ArrayList<>();
        int next = 0;
        for (int t = 0; t < trees; t++) {
            leafBase[t] = next;
            group[t] = model.treeGroup(t);
            next = collect(model, columns, model.treeRoot(t), t, next, next, splits);
        }

        List<List<Split>> numeric = perColumn(columnCount);
        List<List<Split>> categoricalLists = perColumn(columnCount);
        for (Split s : splits) {
            (CategoryCodes.isCategorical(model, s.node) ? categoricalLists : numeric).get(s.column).add(s);
        }
        // a stable sort: splits with equal thresholds are all false or all true for a row anyway
        Comparator<Split> byThreshold = Comparator.comparingDouble(s -> PlainSplit.floatThreshold(model.splitThreshold(s.node)));
        numeric.forEach(list -> list.sort(byThreshold));

        usedColumns = java.util.stream.IntStream.range(0, columnCount)
                .filter(c -> !numeric.get(c).isEmpty() || !categoricalLists.get(c).isEmpty())
                .toArray();
        numericOffset = offsets(numeric);
        categoricalOffset = offsets(categoricalLists);
        int n = numericOffset[columnCount];
        numericThreshold = new float[n];
        numericTree = new int[n];
        numericMask = new long[n];
        int i = 0;
        for (List<Split> list : numeric) {
            for (Split s : list) {
                numericThreshold[i] = PlainSplit.floatThreshold(model.splitThreshold(s.node));
                numericTree[i] = s.tree;
                numericMask[i++] = s.mask;
            }
        }
        int c = categoricalOffset[columnCount];
        categoricalRight = new long[c];
        categoricalNode = new int[c];
        categoricalTree = new int[c];
        categoricalMask = new long[c];
        i = 0;
        for (List<Split> list : categoricalLists) {
            for (Split s : list) {
                // a split left to the model has no mask (0) and its node id; the others a mask and -1
                boolean byModel = TileColumns.readsRawValue(model, s.node);
                categoricalRight[i] = byModel ? 0 : CategoryCodes.rightMask(model, s.node);
                categoricalNode[i] = byModel ? s.node : -1;
                categoricalTree[i] = s.tree;
                categoricalMask[i++] = s.mask;
            }
        }
    }

    /**
     * Numbers the leaves under {@code ref} from {@code first} left to right (tree {@code tree}'s
     * leaves start at {@code base}), stores their values and records the splits; returns the next
     * number.
     */
    private int collect(TreeEnsemble model, TileColumns columns, int ref, int tree, int base, int first, List<Split> splits) {
        if (ref < 0) {
            leafValue[first] = model.leafValue(~ref);
            return first + 1;
        }
        int middle = collect(model, columns, model.leftChild(ref), tree, base, first, splits);
        int end = collect(model, columns, model.rightChild(ref), tree, base, middle, splits);
        long leftLeaves = ((1L << (middle - first)) - 1) << (first - base);
        splits.add(new Split(columns.column(model, ref), ref, tree, ~leftLeaves));
        return end;
    }

    private static List<List<Split>> perColumn(int columns) {
        List<List<Split>> lists = new ArrayList<>(columns);
        for (int c = 0; c < columns; c++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    private static int[] offsets(List<List<Split>> lists) {
        int[] offsets = new int[lists.size() + 1];
        for (int c = 0; c < lists.size(); c++) {
            offsets[c + 1] = offsets[c] + lists.get(c).size();
        }
        return offsets;
    }

    @Override
    public TreeAlgorithm algorithm() {
        return TreeAlgorithm.QUICKSCORER;
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
        long[] v = leaves;
        for (int r = 0; r < rows; r++) {
            Arrays.fill(v, -1L);
            int rowBase = r * stride;
            for (int c : usedColumns) {
                float x = tile[rowBase + c];
                int end = numericOffset[c + 1];
                for (int k = numericOffset[c]; k < end && numericThreshold[k] <= x; k++) {
                    v[numericTree[k]] &= numericMask[k];
                }
                for (int k = categoricalOffset[c], last = categoricalOffset[c + 1]; k < last; k++) {
                    long right = categoricalNode[k] < 0
                            ? (categoricalRight[k] >>> CategoryCodes.codeOf(x)) & 1
                            : model.goesLeft(categoricalNode[k], x) ? 0 : 1;
                    // all ones when the split goes left, its left-leaves mask when it goes right
                    v[categoricalTree[k]] &= categoricalMask[k] | (right - 1);
                }
            }
            if (float32) {
                for (int t = 0; t < v.length; t++) {
                    int i = group[t] * accStride + r;
                    acc[i] = (float) (acc[i] + leafValue[leafBase[t] + Long.numberOfTrailingZeros(v[t])]);
                }
            } else {
                for (int t = 0; t < v.length; t++) {
                    acc[group[t] * accStride + r] += leafValue[leafBase[t] + Long.numberOfTrailingZeros(v[t])];
                }
            }
        }
    }
}
