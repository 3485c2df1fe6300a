package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TreeAlgorithm#BITSLICE}: 64 rows walk a tree together in the bits of 64-bit words, one bit
 * per row.
 *
 * <p>Values become {@link RankedBlock ranks}, stored as one signed byte per row
 * ({@code rank - 128}, so a column may have at most {@value #MAX_THRESHOLDS} distinct thresholds),
 * 64 rows of a column side by side. A numeric split then tests 64 rows with one 512-bit byte
 * compare, whose mask is a word with bit {@code r} set when row {@code r} goes right (missing values
 * are already resolved by {@link TileColumns}).
 *
 * <p>A column read by categorical splits holds each row's {@link CategoryCodes code} as a byte in
 * {@code [0, 64)}: the category when it is below {@value CategoryCodes#OTHER}, {@link
 * CategoryCodes#OTHER} for a value in no set (negative, larger, infinite; also {@code (-1, 0)} where
 * the split says negatives are out of the set), {@link CategoryCodes#MISSING} for NaN. A categorical
 * split holds a 64-byte table, 1 for the codes that go right ({@link CategoryCodes#rightMask}, which
 * asks {@link TreeEnsemble#goesLeft} itself for every code), and tests 64 rows with one byte permute
 * of the table by the rows' codes ({@code vpermb}) and a compare with zero. A feature read both ways
 * has one column per way ({@link TileColumns}).
 *
 * <p>Each tree is numbered as a complete tree of its depth {@code D} ({@value #MAX_DEPTH} at most):
 * slot {@code s} has children {@code 2s + 1} and {@code 2s + 2}, and a leaf above depth {@code D}
 * fills every leaf slot below it in the tree's leaf table. Splits are visited level by level; each
 * carries the word of the rows that reach it, splits it into its children's words with two ANDs and
 * ORs its right-going rows into its level's word. The {@code D} level words then spell each row's
 * leaf slot, one bit per level (a row already in a leaf reads 0 below it: the first slot of its
 * block). SIMD lanes turn the level words into slot numbers (masked adds); float32 leaves of trees
 * of at most {@value #PERMUTE_DEPTH} levels are picked by two-vector permutes and added in float
 * lanes (XGBoost's float32 sums), double leaves (LightGBM's double sums) and those of deeper float32
 * trees are added row by row from the slot numbers, trees in model order, so the margins are
 * bit-identical to the reference. Only real splits are visited, so a deep, sparse leaf-wise tree
 * costs its splits plus one masked add per level; its padding costs leaf-table memory
 * ({@code 2^D} slots). Blocks hold {@value #TILES} tiles of 64 rows, so that each
 * tree's splits and leaves are read once per block.
 *
 * <p>Its cost follows the number of splits and the trees' depth, not the rows' values: it wins on
 * dense depth-wise trees. {@link #supports} refuses categorical splits whose set holds a category
 * of {@value CategoryCodes#OTHER} or more (they do not fit the codes), trees deeper than
 * {@value #MAX_DEPTH}, more than {@value #MAX_LEAF_SLOTS} padded leaf slots over all trees and
 * columns of more than {@value #MAX_THRESHOLDS} thresholds.
 *
 * <p>Threads: one thread at a time (the block, words and accumulators are scratch). Allocation:
 * none in {@link #accumulate} once C2 has compiled it (the vectors are scalar-replaced).
 */
final class BitSliceKernel implements ForestKernel {
    static final int TILE = 64;
    /** Tiles per block: each tree's splits and leaves are read once for all of them. */
    static final int TILES = 4;
    static final int MAX_DEPTH = 12;
    /** Float32 trees of at most this many levels pick their leaves by permutes; deeper ones row by row. */
    static final int PERMUTE_DEPTH = 8;
    /** At most this many leaf slots over all trees (2^depth each): 32 MiB of double leaves. */
    static final int MAX_LEAF_SLOTS = 1 << 22;
    static final int MAX_THRESHOLDS = 255;

    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_512;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
    /** Leaf slots one two-vector permute reaches: 32 floats. */
    private static final int FLOAT_TABLE = 2 * FLOATS.length();

    private final TreeEnsemble model;
    private final RankedBlock block;
    private final byte[] bins;
    private final boolean float32;
    private final int groups;
    private final int[] depth;
    private final int[] group;
    private final int[] nodeFirst;
    private final int[] nodeSlot;
    private final int[] nodeOffset;
    private final byte[] nodeTest;
    /** Offset of categorical split {@code i}'s goes-right table in {@link #tables}, -1 for a numeric split. */
    private final int[] nodeTable;
    /** 64 bytes per categorical split: byte {@code c} is 1 when code {@code c} goes right, else 0. */
    private final byte[] tables;
    /** Whether column {@code c} holds category codes (stored as they are, not as ranks). */
    private final boolean[] codeColumn;
    private final int[] leafFirst;
    private final float[] leafFloat;
    private final double[] leafDouble;
    /** End of tree {@code t}'s splits of level {@code L} at {@code t * MAX_DEPTH + L} (splits are in slot order). */
    private final int[] levelEnd;
    /** Scratch: bit {@code r} of {@code reach[slot]} says row {@code r} reaches the node in {@code slot}. */
    private final long[] reach;
    /** Slots of a tile's reach words: every split and leaf slot of a complete tree of the deepest tree's levels. */
    private final int reachStride;
    private final long[] level = new long[TILES * MAX_DEPTH];
    private final int[] slots = new int[TILES * TILE];
    private final float[] accFloat;
    private final double[] accDouble;

    BitSliceKernel(TreeEnsemble model, TileColumns columns) {
        this.model = model;
        this.block = new RankedBlock(model, columns, TILES * TILE);
        this.bins = new byte[columns.zeroColumn() * TILES * TILE];
        this.float32 = model.accumulation() == TreeEnsemble.Accumulation.FLOAT32;
        this.codeColumn = new boolean[columns.zeroColumn()];
        for (int c = 0; c < codeColumn.length; c++) {
            codeColumn[c] = columns.holdsCodes(c);
        }
        this.groups = model.groups();
        int trees = model.treeCount();
        depth = new int[trees];
        group = new int[trees];
        nodeFirst = new int[trees + 1];
        leafFirst = new int[trees + 1];
        List<int[]> nodes = new ArrayList<>();
        int leaves = 0;
        int table = float32 ? FLOAT_TABLE : 1;
        for (int t = 0; t < trees; t++) {
            depth[t] = Math.max(1, depth(model, model.treeRoot(t)));
            group[t] = model.treeGroup(t);
            leafFirst[t] = leaves;
            leaves += Math.max(table, 1 << depth[t]);
        }
        leafFirst[trees] = leaves;
        int deepest = 1;
        for (int d : depth) {
            deepest = Math.max(deepest, d);
        }
        reachStride = (2 << deepest) - 1;
        reach = new long[TILES * reachStride];
        leafFloat = float32 ? new float[leaves] : null;
        leafDouble = float32 ? null : new double[leaves];
        for (int t = 0; t < trees; t++) {
            nodeFirst[t] = nodes.size();
            place(t, model.treeRoot(t), 0, 0, columns, nodes);
        }
        nodeFirst[trees] = nodes.size();
        levelEnd = new int[trees * MAX_DEPTH];
        for (int t = 0; t < trees; t++) {
            List<int[]> own = nodes.subList(nodeFirst[t], nodeFirst[t + 1]);
            own.sort(Comparator.comparingInt(n -> n[0]));
            int i = nodeFirst[t];
            for (int l = 0; l < MAX_DEPTH; l++) {
                while (i < nodeFirst[t + 1] && nodes.get(i)[0] < (2 << l) - 1) {
                    i++;
                }
                levelEnd[t * MAX_DEPTH + l] = i;
            }
        }
        nodeSlot = nodes.stream().mapToInt(n -> n[0]).toArray();
        nodeOffset = nodes.stream().mapToInt(n -> n[1] * TILES * TILE).toArray();
        nodeTest = new byte[nodes.size()];
        nodeTable = new int[nodes.size()];
        int categorical = 0;
        for (int[] n : nodes) {
            categorical += CategoryCodes.isCategorical(model, n[3]) ? 1 : 0;
        }
        tables = new byte[categorical * BYTES.length()];
        int at = 0;
        for (int i = 0; i < nodeTest.length; i++) {
            int ref = nodes.get(i)[3];
            if (CategoryCodes.isCategorical(model, ref)) {
                long right = CategoryCodes.rightMask(model, ref);
                for (int c = 0; c < BYTES.length(); c++) {
                    tables[at + c] = (byte) (right >>> c & 1);
                }
                nodeTable[i] = at;
                at += BYTES.length();
            } else {
                nodeTest[i] = (byte) (nodes.get(i)[2] - 128);
                nodeTable[i] = -1;
            }
        }
        accFloat = float32 ? new float[groups * TILES * TILE] : null;
        accDouble = float32 ? null : new double[groups * TILES * TILE];
    }

    /**
     * Whether the kernel can evaluate {@code model}: categorical splits only over categories below
     * {@value CategoryCodes#OTHER} (their {@link CategoryCodes codes} fit one 64-byte table), trees of at most
     * {@value #MAX_DEPTH} levels and at most {@value #MAX_LEAF_SLOTS} leaf slots of their complete
     * trees together, at most {@value #MAX_THRESHOLDS} distinct thresholds per column,
     * and for float32 sums, base margins and leaf values that are float32 values (XGBoost's are).
     */
    static boolean supports(TreeEnsemble model) {
        for (int n = 0; n < model.nodeCount(); n++) {
            if (CategoryCodes.isCategorical(model, n) && !CategoryCodes.fits(model, n)) {
                return false;
            }
        }
        long slots = 0;
        for (int t = 0; t < model.treeCount(); t++) {
            if (deeperThan(model, model.treeRoot(t), MAX_DEPTH)) {
                return false;
            }
            slots += Math.max(FLOAT_TABLE, 1L << depth(model, model.treeRoot(t)));
        }
        if (slots > MAX_LEAF_SLOTS) {
            return false;
        }
        if (model.accumulation() == TreeEnsemble.Accumulation.FLOAT32) {
            for (int g = 0; g < model.groups(); g++) {
                if (!isFloat(model.baseMargin(g))) {
                    return false;
                }
            }
            for (int l = 0; l < model.leafCount(); l++) {
                if (!isFloat(model.leafValue(l))) {
                    return false;
                }
            }
        }
        return new RankedBlock(model, new TileColumns(model), 1).maxRank() <= MAX_THRESHOLDS;
    }

    private static boolean isFloat(double v) {
        return (double) (float) v == v || Double.isNaN(v);
    }

    /** Whether some path below {@code ref} has more than {@code levels} splits (without walking deeper than that). */
    private static boolean deeperThan(TreeEnsemble model, int ref, int levels) {
        if (ref < 0) {
            return false;
        }
        return levels == 0 || deeperThan(model, model.leftChild(ref), levels - 1)
                || deeperThan(model, model.rightChild(ref), levels - 1);
    }

    /** Levels of splits below {@code ref} (0 for a leaf); only for trees {@link #supports} accepted. */
    private static int depth(TreeEnsemble model, int ref) {
        return ref < 0 ? 0 : 1 + Math.max(depth(model, model.leftChild(ref)), depth(model, model.rightChild(ref)));
    }

    /** Records the splits under {@code ref} at complete-tree slot {@code slot} (level {@code lvl}) and fills the leaf table. */
    private void place(int t, int ref, int slot, int lvl, TileColumns columns, List<int[]> nodes) {
        if (ref >= 0) {
            int rightFrom = CategoryCodes.isCategorical(model, ref) ? 0 : block.rightFrom(model, ref);
            nodes.add(new int[] {slot, columns.column(model, ref), rightFrom, ref});
            place(t, model.leftChild(ref), 2 * slot + 1, lvl + 1, columns, nodes);
            place(t, model.rightChild(ref), 2 * slot + 2, lvl + 1, columns, nodes);
            return;
        }
        int span = 1 << (depth[t] - lvl);
        int first = leafFirst[t] + (slot - ((1 << lvl) - 1)) * span;
        double value = model.leafValue(~ref);
        for (int i = first; i < first + span; i++) {
            if (float32) {
                leafFloat[i] = (float) value;
            } else {
                leafDouble[i] = value;
            }
        }
    }

    @Override
    public TreeAlgorithm algorithm() {
        return TreeAlgorithm.BITSLICE;
    }

    @Override
    public int blockRows() {
        return TILES * TILE;
    }

    @Override
    public void accumulate(FloatBuffer input, int from, int rows, int width, double[] acc, int accStride) {
        int block = TILES * TILE;
        int tiles = (rows + TILE - 1) / TILE;
        this.block.fill(input, from, rows, width);
        int[][] ranks = this.block.ranks;
        for (int c = 0; c < ranks.length; c++) {
            int[] q = ranks[c];
            int base = c * block;
            // codes are in [0, 64) as they are; ranks in [0, 256) shifted to signed bytes
            int shift = codeColumn[c] ? 0 : 128;
            for (int r = 0; r < tiles * TILE; r++) {
                bins[base + r] = (byte) (q[r] - shift);
            }
        }
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < rows; r++) {
                if (float32) {
                    accFloat[g * block + r] = (float) acc[g * accStride + r];
                } else {
                    accDouble[g * block + r] = acc[g * accStride + r];
                }
            }
        }
        for (int t = 0; t < depth.length; t++) {
            route(t, tiles);
            if (float32 && depth[t] <= PERMUTE_DEPTH) {
                addFloat(t, tiles);
            } else {
                addByRow(t, tiles);
            }
        }
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < rows; r++) {
                acc[g * accStride + r] = float32 ? accFloat[g * block + r] : accDouble[g * block + r];
            }
        }
    }

    /**
     * Computes tree {@code t}'s level words of every tile {@code k}: bit {@code r} of
     * {@code level[k * MAX_DEPTH + L]} says row {@code r} of the tile goes right at level {@code L}
     * (0 once the row is in a leaf: its slot is the first of the leaf's replicated block).
     */
    private void route(int t, int tiles) {
        long[] reach = this.reach;
        long[] level = this.level;
        byte[] bins = this.bins;
        int stride = reachStride;
        for (int k = 0; k < tiles; k++) {
            reach[k * stride] = -1L;
        }
        int i = nodeFirst[t];
        int d = depth[t];
        for (int l = 0; l < d; l++) {
            int end = levelEnd[t * MAX_DEPTH + l];
            for (int k = 0; k < tiles; k++) {
                level[k * MAX_DEPTH + l] = 0;
            }
            for (; i < end; i++) {
                int s = nodeSlot[i];
                int offset = nodeOffset[i];
                int table = nodeTable[i];
                if (table < 0) {
                    byte test = nodeTest[i];
                    for (int k = 0; k < tiles; k++) {
                        long goesRight = ByteVector.fromArray(BYTES, bins, offset + k * TILE)
                                .compare(VectorOperators.GE, test)
                                .toLong();
                        divide(reach, level, k * stride + s, s, k * MAX_DEPTH + l, goesRight);
                    }
                } else {
                    routeCategorical(table, offset, s, l, tiles);
                }
            }
        }
    }

    /** The categorical split at slot {@code s} of level {@code l}: its table permuted by the rows' codes. */
    private void routeCategorical(int table, int offset, int s, int l, int tiles) {
        long[] reach = this.reach;
        long[] level = this.level;
        int stride = reachStride;
        ByteVector right = ByteVector.fromArray(BYTES, tables, table);
        for (int k = 0; k < tiles; k++) {
            long goesRight = ByteVector.fromArray(BYTES, bins, offset + k * TILE)
                    .selectFrom(right)
                    .compare(VectorOperators.NE, 0)
                    .toLong();
            divide(reach, level, k * stride + s, s, k * MAX_DEPTH + l, goesRight);
        }
    }

    /**
     * Splits the rows reaching slot {@code s} (word {@code reach[at]}) into its children's words by
     * {@code goesRight}, and adds the right-going rows to level word {@code level[levelAt]}.
     */
    private static void divide(long[] reach, long[] level, int at, int s, int levelAt, long goesRight) {
        long here = reach[at];
        long right = here & goesRight;
        reach[at + s + 1] = here ^ right;
        reach[at + s + 2] = right;
        level[levelAt] |= right;
    }

    /** Adds tree {@code t}'s leaf of every row to its float32 accumulator, 16 rows a step by permutes. */
    private void addFloat(int t, int tiles) {
        int d = depth[t];
        int low = Math.min(d, 5);
        int tables = 1 << (d - low);
        int leaves = leafFirst[t];
        FloatVector t0 = FloatVector.fromArray(FLOATS, leafFloat, leaves);
        FloatVector t1 = FloatVector.fromArray(FLOATS, leafFloat, leaves + FLOATS.length());
        for (int k = 0; k < tiles; k++) {
            int words = k * MAX_DEPTH;
            int acc = group[t] * TILES * TILE + k * TILE;
            for (int j = 0; j < TILE; j += FLOATS.length()) {
                FloatVector slot = FloatVector.zero(FLOATS);
                for (int b = 0; b < low; b++) {
                    slot = slot.add(1 << b, VectorMask.fromLong(FLOATS, level[words + d - 1 - b] >>> j));
                }
                FloatVector value = slot.selectFrom(t0, t1);
                if (tables > 1) {
                    FloatVector high = FloatVector.zero(FLOATS);
                    for (int b = low; b < d; b++) {
                        high = high.add(1 << (b - low), VectorMask.fromLong(FLOATS, level[words + d - 1 - b] >>> j));
                    }
                    for (int u = 1; u < tables; u++) {
                        int at = leaves + u * FLOAT_TABLE;
                        FloatVector other = slot.selectFrom(FloatVector.fromArray(FLOATS, leafFloat, at),
                                FloatVector.fromArray(FLOATS, leafFloat, at + FLOATS.length()));
                        value = value.blend(other, high.compare(VectorOperators.EQ, u));
                    }
                }
                FloatVector.fromArray(FLOATS, accFloat, acc + j).add(value).intoArray(accFloat, acc + j);
            }
        }
    }

    /**
     * Adds tree {@code t}'s leaf of every row to its double accumulator (or float32, for trees
     * deeper than {@value #PERMUTE_DEPTH}): the rows' leaf slots by SIMD, the values row by row
     * (with 8 double lanes, picking from up to 256 slots by permutes cost more than this on depth-8
     * trees).
     */
    private void addByRow(int t, int tiles) {
        int d = depth[t];
        for (int k = 0; k < tiles; k++) {
            int words = k * MAX_DEPTH;
            for (int j = 0; j < TILE; j += INTS.length()) {
                IntVector slot = IntVector.zero(INTS);
                for (int b = 0; b < d; b++) {
                    slot = slot.add(1 << b, VectorMask.fromLong(INTS, level[words + d - 1 - b] >>> j));
                }
                slot.intoArray(slots, k * TILE + j);
            }
        }
        int leaves = leafFirst[t];
        int acc = group[t] * TILES * TILE;
        int rows = tiles * TILE;
        if (float32) {
            for (int r = 0; r < rows; r++) {
                accFloat[acc + r] += leafFloat[leaves + slots[r]];
            }
        } else {
            for (int r = 0; r < rows; r++) {
                accDouble[acc + r] += leafDouble[leaves + slots[r]];
            }
        }
    }
}
