package dev.tutti.cpu.tree.batch;

import dev.tutti.cpu.tree.model.TreeEnsemble;

/**
 * The algorithms of {@link BatchTreeEvaluator}. Every one gives bit-identical margins; they differ
 * in speed, which depends on the model, the rows and the batch size.
 */
public enum TreeAlgorithm {
    /**
     * The rows of a block walk each tree together, level by level, over a breadth-first node array
     * with a branch-free step ({@link TraversalKernel}). Any model; its cost follows the trees' depth.
     */
    TRAVERSAL {
        @Override
        public boolean supports(TreeEnsemble model) {
            return true;
        }

        @Override
        ForestKernel kernel(TreeEnsemble model, TileColumns columns) {
            return new TraversalKernel(model, columns, ROW_TILE);
        }
    },
    /**
     * QuickScorer (Lucchese et al., SIGIR 2015), one row at a time: per column, splits sorted by
     * threshold; a row clears, in each tree's 64-bit leaf mask, the leaves of every split it fails
     * ({@link QuickScorerKernel}). Trees of at most 64 leaves; its cost follows the splits a row
     * fails, few on sparse rows.
     */
    QUICKSCORER {
        @Override
        public boolean supports(TreeEnsemble model) {
            return QuickScorerKernel.supports(model);
        }

        @Override
        public String requirements() {
            return "trees of at most 64 leaves";
        }

        @Override
        ForestKernel kernel(TreeEnsemble model, TileColumns columns) {
            return new QuickScorerKernel(model, columns, ROW_TILE);
        }
    },
    /**
     * V-QuickScorer (Lucchese et al., SIGIR 2016): every split tested for a block of up to 512 rows
     * at once, rows in SIMD lanes of a plain int loop that C2 vectorises
     * ({@link VQuickScorerKernel}). Any model; its cost follows the number of splits, so it wins on
     * large batches of shallow or leaf-wise trees.
     */
    VQUICKSCORER {
        @Override
        public boolean supports(TreeEnsemble model) {
            return true;
        }

        @Override
        ForestKernel kernel(TreeEnsemble model, TileColumns columns) {
            return new VQuickScorerKernel(model, columns, VQuickScorerKernel.blockRowsFor(columns));
        }
    },
    /**
     * Bit-sliced routing: 64 rows walk a tree together in the bits of 64-bit words, one 512-bit byte
     * compare per numeric split for all 64 rows (one byte permute of a 64-byte table by the rows'
     * category codes per categorical split), bitwise multiplexers down the tree padded to a complete
     * tree, and SIMD permutes from leaf slots to values ({@link BitSliceKernel}). Needs the
     * {@code jdk.incubator.vector} module, categorical splits only over categories 0 to 61, trees of
     * at most 12 levels and at most 255 distinct thresholds per feature (XGBoost's {@code hist}
     * models fit); its cost follows the number of splits and the trees' depth, so it wins on dense
     * depth-wise trees.
     */
    BITSLICE {
        @Override
        public boolean supports(TreeEnsemble model) {
            return VECTOR_API && BitSliceKernel.supports(model);
        }

        @Override
        public String requirements() {
            return "the JVM option --add-modules=jdk.incubator.vector, categorical splits only over categories 0 to "
                    + (CategoryCodes.OTHER - 1) + ", trees of at most " + BitSliceKernel.MAX_DEPTH
                    + " levels and at most " + BitSliceKernel.MAX_THRESHOLDS + " distinct thresholds per feature";
        }

        @Override
        ForestKernel kernel(TreeEnsemble model, TileColumns columns) {
            return new BitSliceKernel(model, columns);
        }
    };

    /** Whether the JVM resolved the Vector API module (started with {@code --add-modules=jdk.incubator.vector}). */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Rows per block of the row-at-a-time kernels: enough independent walks to overlap, small enough for L1. */
    static final int ROW_TILE = 64;

    /** Whether this algorithm can evaluate {@code model}. */
    public abstract boolean supports(TreeEnsemble model);

    /** What a model needs for {@link #supports} to hold, for error messages ("any model" when nothing). */
    public String requirements() {
        return "any model";
    }

    abstract ForestKernel kernel(TreeEnsemble model, TileColumns columns);
}
