package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;

/**
 * Categorical splits as 64-bit masks over category codes. A tile column read by categorical splits
 * holds the value's code, stored as the raw bits of the float ({@link Float#intBitsToFloat}, read
 * back by {@link Float#floatToRawIntBits}: a move, where a float-to-int conversion would need a
 * check for out-of-range values): the category {@code (int) x} when it is in {@code [0, 62)}, {@link #OTHER}
 * for anything that is in no split's set (a larger category, a negative value, or any {@code x < 0}
 * where the model says so), {@link #MISSING} for NaN. A split's mask has bit {@code c} set when code
 * {@code c} goes right, exactly as {@link TreeEnsemble#goesLeft} decides, so its whole test is
 * {@code (mask >>> code) & 1}. Splits whose set holds a category of 62 or more are left to the
 * model ({@link #fits} is false).
 *
 * <p>Threads: stateless.
 */
final class CategoryCodes {
    /** Code of a value in no set: negative, too large for a mask, or negative where the model says so. */
    static final int OTHER = 62;
    /** Code of NaN. */
    static final int MISSING = 63;

    private CategoryCodes() {}

    static boolean isCategorical(TreeEnsemble model, int node) {
        return (model.splitFlags(node) & TreeEnsemble.CATEGORICAL) != 0;
    }

    /** Whether categorical split {@code node}'s set holds only categories below {@link #OTHER}. */
    static boolean fits(TreeEnsemble model, int node) {
        int[] bits = model.categoryBitset(node);
        for (int w = 0; w < bits.length; w++) {
            for (int b = 0; b < 32; b++) {
                if ((bits[w] >>> b & 1) != 0 && w * 32 + b >= OTHER) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The goes-right mask of categorical split {@code node} (one that {@link #fits}). */
    static long rightMask(TreeEnsemble model, int node) {
        long mask = 0;
        for (int code = 0; code < OTHER; code++) {
            if (!model.goesLeft(node, code)) {
                mask |= 1L << code;
            }
        }
        // -1 is in no set, as every OTHER value
        if (!model.goesLeft(node, -1f)) {
            mask |= 1L << OTHER;
        }
        if (!model.goesLeft(node, Float.NaN)) {
            mask |= 1L << MISSING;
        }
        return mask;
    }

    /**
     * The code of {@code x} for splits with flags {@code flags} ({@link TreeEnsemble#NEGATIVE_NOT_IN_SET}
     * decides whether values in (-1, 0) are category 0 or in no set).
     */
    static int code(float x, boolean negativeNotInSet) {
        if (x != x) {
            return MISSING;
        }
        if (negativeNotInSet && x < 0) {
            return OTHER;
        }
        int category = (int) x;
        return category >= 0 && category < OTHER ? category : OTHER;
    }

    /** {@link #code} as the tile stores it. */
    static float storedCode(float x, boolean negativeNotInSet) {
        return Float.intBitsToFloat(code(x, negativeNotInSet));
    }

    /** The code of a stored tile value; for any other value, some int (whose low six bits a mask shift uses). */
    static int codeOf(float stored) {
        return Float.floatToRawIntBits(stored);
    }
}
