package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@link TreeAlgorithm#VQUICKSCORER}: QuickScorer turned around (as V-QuickScorer, Lucchese et al.,
 * SIGIR 2016): every split is tested for a whole block of rows at once, the rows in the lanes of one
 * plain {@code int} loop that C2 compiles to SIMD. No row walks a tree; each split costs a few
 * vector instructions per 16 rows, whatever the rows, so shallow or leaf-wise trees of few splits
 * are cheap.
 *
 * <p>Values become {@link RankedBlock ranks}, so that a numeric split's test is integer arithmetic:
 * {@code (rank - rightFrom) >> 31} is 0 when the split goes right and -1 when it goes left.
 * Categorical splits read the {@link CategoryCodes code} and test one bit of a 64-bit mask held as
 * two ints; splits with categories of 62 or more are decided by the model, row by row.
 *
 * <p>Leaves are numbered left to right in 32-bit words per row; a split that goes right clears the
 * leaves of its left subtree (one entry per word it touches). The exit leaf is the lowest bit left.
 *
 * <p>Threads: one thread at a time (the block and the leaf words are scratch). Allocation: none in
 * {@link #accumulate}.
 */
final class VQuickScorerKernel implements ForestKernel {
    private static final int WORD = 32;
    private static final int NUMERIC = 0;
    private static final int CATEGORY_MASK = 1;
    private static final int BY_MODEL = 2;

    private final TreeEnsemble model;
    private final TileColumns columns;
    private final RankedBlock block;
    private final int blockRows;
    private final int[][] ranks;
    private final int[][] words;
    private final int[] exit;
    private final int[] treeFirst;
    /** End of tree {@code t}'s numeric entries, which come first (the order of the ANDs does not matter). */
    private final int[] numericEnd;
    private final int[] treeWords;
    private final int[] leafBase;
    private final int[] group;
    private final double[] leafValue;
    private final int[] entryColumn;
    private final int[] entryKind;
    private final int[] entryTest;
    private final int[] entryHigh;
    private final int[] entryWord;
    private final int[] entryClear;
    private final boolean float32;

    private record Entry(int column, int kind, int test, int high, int word, int clear) {}

    VQuickScorerKernel(TreeEnsemble model, TileColumns columns, int blockRows) {
        this.model = model;
        this.columns = columns;
        this.blockRows = blockRows;
        this.block = new RankedBlock(model, columns, blockRows);
        this.ranks = block.ranks;
        this.float32 = model.accumulation() == TreeEnsemble.Accumulation.FLOAT32;

        int trees = model.treeCount();
        treeFirst = new int[trees + 1];
        numericEnd = new int[trees];
        treeWords = new int[trees];
        leafBase = new int[trees];
        group = new int[trees];
        leafValue = new double[model.leafCount()];
        List<Entry> entries = new ArrayList<>();
        int leaves = 0;
        int maxWords = 1;
        for (int t = 0; t < trees; t++) {
            treeFirst[t] = entries.size();
            leafBase[t] = leaves;
            group[t] = model.treeGroup(t);
            int end = collect(model.treeRoot(t), leaves, leaves, entries);
            List<Entry> own = entries.subList(treeFirst[t], entries.size());
            // numeric entries first, by word, so that runs of four sharing a word can go through one loop
            own.sort(Comparator.comparingInt(Entry::kind).thenComparingInt(Entry::word));
            numericEnd[t] = treeFirst[t] + (int) own.stream().filter(e -> e.kind == NUMERIC).count();
            treeWords[t] = (end - leaves + WORD - 1) / WORD;
            maxWords = Math.max(maxWords, treeWords[t]);
            leaves = end;
        }
        treeFirst[trees] = entries.size();
        int n = entries.size();
        entryColumn = new int[n];
        entryKind = new int[n];
        entryTest = new int[n];
        entryHigh = new int[n];
        entryWord = new int[n];
        entryClear = new int[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            entryColumn[i] = e.column;
            entryKind[i] = e.kind;
            entryTest[i] = e.test;
            entryHigh[i] = e.high;
            entryWord[i] = e.word;
            entryClear[i] = e.clear;
        }
        words = new int[maxWords][blockRows];
        exit = new int[blockRows];
    }

    /**
     * Numbers the leaves under {@code ref} from {@code first} (the tree's leaves start at
     * {@code base}), stores their values and adds the entries of its splits, each split after its
     * subtrees; returns the next leaf number.
     */
    private int collect(int ref, int base, int first, List<Entry> entries) {
        if (ref < 0) {
            leafValue[first] = model.leafValue(~ref);
            return first + 1;
        }
        int middle = collect(model.leftChild(ref), base, first, entries);
        int end = collect(model.rightChild(ref), base, middle, entries);
        int column = columns.column(model, ref);
        int kind;
        int test = 0;
        int high = 0;
        if (TileColumns.readsRawValue(model, ref)) {
            kind = BY_MODEL;
            test = ref; // the model's split id
        } else if (CategoryCodes.isCategorical(model, ref)) {
            kind = CATEGORY_MASK;
            long mask = CategoryCodes.rightMask(model, ref);
            test = (int) mask;
            high = (int) (mask >>> 32);
        } else {
            kind = NUMERIC;
            test = block.rightFrom(model, ref);
        }
        // the left subtree's leaves [first, middle), relative to the tree, word by word
        for (int leaf = first - base; leaf < middle - base; ) {
            int word = leaf / WORD;
            int to = Math.min(middle - base, (word + 1) * WORD);
            int bits = to - leaf == WORD ? -1 : ((1 << (to - leaf)) - 1) << (leaf % WORD);
            entries.add(new Entry(column, kind, test, high, word, ~bits));
            leaf = to;
        }
        return end;
    }

    /** Rows per block: up to 512, fewer for wide rows so that the block stays near 256 KiB. */
    static int blockRowsFor(TileColumns columns) {
        int rows = 65536 / Math.max(1, columns.zeroColumn());
        return Math.max(64, Math.min(512, rows)) & ~15;
    }

    @Override
    public TreeAlgorithm algorithm() {
        return TreeAlgorithm.VQUICKSCORER;
    }

    @Override
    public int blockRows() {
        return blockRows;
    }

    @Override
    public void accumulate(FloatBuffer input, int from, int rows, int width, double[] acc, int accStride) {
        block.fill(input, from, rows, width);
        for (int t = 0; t < group.length; t++) {
            int used = treeWords[t];
            for (int w = 0; w < used; w++) {
                Arrays.fill(words[w], 0, rows, -1);
            }
            int e = treeFirst[t];
            int end = numericEnd[t];
            while (e < end) {
                // entries are sorted by word: four in a row on one word share a loop
                if (e + 3 < end && entryWord[e] == entryWord[e + 3]) {
                    applyNumeric4(e, rows);
                    e += 4;
                } else {
                    applyNumeric(e++, rows);
                }
            }
            for (e = numericEnd[t]; e < treeFirst[t + 1]; e++) {
                applyCategorical(e, rows);
            }
            exits(t, rows, acc, group[t] * accStride);
        }
    }

    /** Clears, in every row that goes right at numeric entry {@code e}, the entry's leaves. */
    private void applyNumeric(int e, int rows) {
        int[] q = ranks[entryColumn[e]];
        int[] v = words[entryWord[e]];
        int clear = entryClear[e];
        int test = entryTest[e];
        for (int r = 0; r < rows; r++) {
            v[r] &= clear | ((q[r] - test) >> 31);
        }
    }

    /** {@link #applyNumeric} for entries {@code e .. e + 3}, which share a word: one load and store of it. */
    private void applyNumeric4(int e, int rows) {
        int[] v = words[entryWord[e]];
        int[] q0 = ranks[entryColumn[e]];
        int[] q1 = ranks[entryColumn[e + 1]];
        int[] q2 = ranks[entryColumn[e + 2]];
        int[] q3 = ranks[entryColumn[e + 3]];
        int c0 = entryClear[e];
        int c1 = entryClear[e + 1];
        int c2 = entryClear[e + 2];
        int c3 = entryClear[e + 3];
        int t0 = entryTest[e];
        int t1 = entryTest[e + 1];
        int t2 = entryTest[e + 2];
        int t3 = entryTest[e + 3];
        for (int r = 0; r < rows; r++) {
            v[r] &= (c0 | ((q0[r] - t0) >> 31)) & (c1 | ((q1[r] - t1) >> 31))
                    & (c2 | ((q2[r] - t2) >> 31)) & (c3 | ((q3[r] - t3) >> 31));
        }
    }

    /** Clears, in every row that goes right at categorical entry {@code e}, the entry's leaves. */
    private void applyCategorical(int e, int rows) {
        int[] q = ranks[entryColumn[e]];
        int[] v = words[entryWord[e]];
        int clear = entryClear[e];
        int test = entryTest[e];
        if (entryKind[e] == CATEGORY_MASK) {
            int high = entryHigh[e];
            int flip = test ^ high;
            for (int r = 0; r < rows; r++) {
                int code = q[r];
                // codes 32..63 read the high half; the shift takes the code's low five bits
                int half = test ^ (flip & -(code >>> 5));
                v[r] &= clear | (((half >>> code) & 1) - 1);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                if (!model.goesLeft(test, Float.intBitsToFloat(q[r]))) {
                    v[r] &= clear;
                }
            }
        }
    }

    /** Adds tree {@code t}'s exit leaf of every row to the accumulators at {@code base}. */
    private void exits(int t, int rows, double[] acc, int base) {
        int[] leaf = exit;
        int[] low = words[0];
        if (treeWords[t] <= 2) {
            // the lowest set bit of the first word, or 32 + that of the second: loops C2 vectorises
            int[] high = treeWords[t] == 2 ? words[1] : low;
            for (int r = 0; r < rows; r++) {
                int first = Integer.numberOfTrailingZeros(low[r]);
                leaf[r] = first + (-(first >>> 5) & Integer.numberOfTrailingZeros(high[r]));
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int w = 0;
                while (words[w][r] == 0) {
                    w++;
                }
                leaf[r] = w * WORD + Integer.numberOfTrailingZeros(words[w][r]);
            }
        }
        int leaves = leafBase[t];
        if (float32) {
            for (int r = 0; r < rows; r++) {
                acc[base + r] = (float) (acc[base + r] + leafValue[leaves + leaf[r]]);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                acc[base + r] += leafValue[leaves + leaf[r]];
            }
        }
    }

}
