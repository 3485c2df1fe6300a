package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The columns of a tile: each feature once per way the model's splits read it, with missing values
 * already resolved, so that a numeric split's whole decision is {@code goesRight = x >= threshold}
 * and a categorical split's is one bit of a mask.
 *
 * <ul>
 *   <li>numeric splits whose NaN goes left read a copy where NaN is {@code -inf}; those whose NaN
 *       goes right, a copy where NaN is {@code +inf} (other values compare as they are; thresholds
 *       are finite floats or {@code +inf}, see {@link PlainSplit});
 *   <li>zero-as-missing splits (LightGBM missing type Zero) read a copy where NaN and
 *       {@code |x| <= 1e-35f} are {@code -inf} or {@code +inf};
 *   <li>categorical splits read the value's {@link CategoryCodes code}; splits with categories of
 *       62 or more read the value as it is;
 *   <li>the last column is constant zero: leaves test it against {@code +inf} and stay put.
 * </ul>
 *
 * <p>Threads: immutable; {@link #fill} writes only into the caller's arrays. Allocation: none in
 * {@link #fill}.
 */
final class TileColumns {
    private static final float ZERO = 1e-35f;
    private static final int NAN_LOW = 0;
    private static final int NAN_HIGH = 1;
    private static final int MISSING_LOW = 2;
    private static final int MISSING_HIGH = 3;
    private static final int CODE = 4;
    private static final int CODE_NEGATIVE_OTHER = 5;
    private static final int RAW = 6;
    private static final int VARIANTS = 7;

    private final int features;
    private final int[] columnOf;
    /** Columns are numbered variant by variant: variant {@code v} has columns {@code [first[v], first[v + 1])}. */
    private final int[] first;
    private final int[] feature;

    TileColumns(TreeEnsemble model) {
        features = model.featureCount();
        boolean[] used = new boolean[features * VARIANTS];
        for (int n = 0; n < model.nodeCount(); n++) {
            used[model.splitFeature(n) * VARIANTS + variant(model, n)] = true;
        }
        columnOf = new int[features * VARIANTS];
        Arrays.fill(columnOf, -1);
        first = new int[VARIANTS + 1];
        int columns = 0;
        for (int v = 0; v < VARIANTS; v++) {
            first[v] = columns;
            for (int f = 0; f < features; f++) {
                if (used[f * VARIANTS + v]) {
                    columnOf[f * VARIANTS + v] = columns++;
                }
            }
        }
        first[VARIANTS] = columns;
        feature = new int[columns];
        for (int i = 0; i < columnOf.length; i++) {
            if (columnOf[i] >= 0) {
                feature[columnOf[i]] = i / VARIANTS;
            }
        }
    }

    private static int variant(TreeEnsemble model, int node) {
        int flags = model.splitFlags(node);
        if ((flags & TreeEnsemble.CATEGORICAL) != 0) {
            if (!CategoryCodes.fits(model, node)) {
                return RAW;
            }
            return (flags & TreeEnsemble.NEGATIVE_NOT_IN_SET) != 0 ? CODE_NEGATIVE_OTHER : CODE;
        }
        boolean left = (flags & TreeEnsemble.NAN_LEFT) != 0;
        if ((flags & TreeEnsemble.ZERO_AS_MISSING) != 0) {
            return left ? MISSING_LOW : MISSING_HIGH;
        }
        return left ? NAN_LOW : NAN_HIGH;
    }

    /** Floats per tile row: the columns and the constant-zero column. */
    int stride() {
        return first[VARIANTS] + 1;
    }

    /** The constant-zero column (also the number of other columns). */
    int zeroColumn() {
        return first[VARIANTS];
    }

    /** Whether column {@code c} holds category codes. */
    boolean holdsCodes(int c) {
        return c >= first[CODE] && c < first[RAW];
    }

    /** Whether column {@code c} holds values as they are (for categorical splits decided by the model). */
    boolean holdsRawValues(int c) {
        return c >= first[RAW] && c < first[VARIANTS];
    }

    /** The column split {@code node} of {@code model} reads. */
    int column(TreeEnsemble model, int node) {
        return columnOf[model.splitFeature(node) * VARIANTS + variant(model, node)];
    }

    /** Whether split {@code node} reads the value as it is (a categorical split decided by the model). */
    static boolean readsRawValue(TreeEnsemble model, int node) {
        return variant(model, node) == RAW;
    }

    /**
     * Fills {@code rows} tile rows from the input rows {@code from ..} of {@code width} floats.
     *
     * @param row scratch of at least {@code featureCount} floats
     */
    void fill(FloatBuffer input, int from, int rows, int width, float[] tile, float[] row) {
        int stride = stride();
        for (int r = 0; r < rows; r++) {
            input.get((from + r) * width, row, 0, features);
            int base = r * stride;
            missingAs(row, tile, base, NAN_LOW, Float.NEGATIVE_INFINITY, false);
            missingAs(row, tile, base, NAN_HIGH, Float.POSITIVE_INFINITY, false);
            missingAs(row, tile, base, MISSING_LOW, Float.NEGATIVE_INFINITY, true);
            missingAs(row, tile, base, MISSING_HIGH, Float.POSITIVE_INFINITY, true);
            for (int c = first[CODE]; c < first[CODE + 1]; c++) {
                tile[base + c] = CategoryCodes.storedCode(row[feature[c]], false);
            }
            for (int c = first[CODE_NEGATIVE_OTHER]; c < first[CODE_NEGATIVE_OTHER + 1]; c++) {
                tile[base + c] = CategoryCodes.storedCode(row[feature[c]], true);
            }
            for (int c = first[RAW]; c < first[RAW + 1]; c++) {
                tile[base + c] = row[feature[c]];
            }
            tile[base + first[VARIANTS]] = 0f;
        }
    }

    private void missingAs(float[] row, float[] tile, int base, int variant, float replacement, boolean zeroToo) {
        for (int c = first[variant]; c < first[variant + 1]; c++) {
            float x = row[feature[c]];
            boolean missing = x != x || (zeroToo && x >= -ZERO && x <= ZERO);
            tile[base + c] = missing ? replacement : x;
        }
    }
}
