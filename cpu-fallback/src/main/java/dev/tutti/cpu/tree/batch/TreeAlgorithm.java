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
    };

    /** Rows per block of the row-at-a-time kernels: enough independent walks to overlap, small enough for L1. */
    static final int ROW_TILE = 64;

    /** Whether this algorithm can evaluate {@code model}. */
    public abstract boolean supports(TreeEnsemble model);

    abstract ForestKernel kernel(TreeEnsemble model, TileColumns columns);
}
