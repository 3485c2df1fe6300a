package dev.tutti.cpu.tree;

import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeEnsemble.Accumulation;
import dev.tutti.cpu.tree.model.TreeEnsemble.Link;
import dev.tutti.cpu.tree.model.TreeModelException;
import java.util.Random;

/**
 * Random models built through {@link TreeEnsemble.Builder}, with every kind of split the readers
 * produce (numeric strict and inclusive, NaN left or right, zero as missing; categorical with small
 * and large categories, in-set left or right, negatives out of the set or truncated) and trees of
 * every shape (single leaves, balanced, long chains of more than 64 leaves).
 */
final class RandomForests {
    static final int FEATURES = 5;

    private RandomForests() {}

    /** XGBoost-like: float32 leaves and sums, sigmoid. */
    static TreeEnsemble float32Binary(long seed) throws TreeModelException {
        Random random = new Random(seed);
        TreeEnsemble.Builder b = TreeEnsemble.builder(1).featureCount(FEATURES).accumulation(Accumulation.FLOAT32)
                .link(Link.SIGMOID).task(Task.BINARY, 2).baseMargin(new double[] {(float) 0.25}).description("random float32 " + seed);
        for (int t = 0; t < 40; t++) {
            b.tree(node(b, random, 0, 7, true), 0);
        }
        return b.build();
    }

    /** LightGBM-like random forest: double sums, 3 groups, softmax, averaged over the iterations. */
    static TreeEnsemble averagedMulticlass(long seed) throws TreeModelException {
        Random random = new Random(seed);
        int groups = 3;
        int iterations = 12;
        TreeEnsemble.Builder b = TreeEnsemble.builder(groups).featureCount(FEATURES).accumulation(Accumulation.FLOAT64)
                .link(Link.SOFTMAX).task(Task.MULTICLASS, groups).averageOver(iterations).description("random averaged " + seed);
        for (int t = 0; t < iterations * groups; t++) {
            b.tree(node(b, random, 0, 9, false), t % groups);
        }
        return b.build();
    }

    /** Regression trees that are long chains (70 leaves and more): beyond QuickScorer's 64 leaves. */
    static TreeEnsemble chains(long seed) throws TreeModelException {
        Random random = new Random(seed);
        TreeEnsemble.Builder b = TreeEnsemble.builder(1).featureCount(FEATURES).accumulation(Accumulation.FLOAT64)
                .link(Link.IDENTITY).task(Task.REGRESSION, 0).description("random chains " + seed);
        for (int t = 0; t < 6; t++) {
            int below = b.leaf(random.nextGaussian());
            for (int d = 0; d < 70 + t; d++) {
                int split = split(b, random, false);
                int leaf = b.leaf(random.nextGaussian());
                if (random.nextBoolean()) {
                    b.children(split, below, leaf);
                } else {
                    b.children(split, leaf, below);
                }
                below = split;
            }
            b.tree(below, 0);
        }
        b.tree(b.leaf(0.5), 0);
        return b.build();
    }

    /**
     * A builder for random models: XGBoost-like float32 binary with base margin {@code binaryBase},
     * or LightGBM-like double sums over 3 groups with base margins {@code multiclassBase}.
     */
    private static TreeEnsemble.Builder randomBuilder(String description, boolean float32, float binaryBase,
            double[] multiclassBase) {
        TreeEnsemble.Builder b = TreeEnsemble.builder(float32 ? 1 : 3).featureCount(FEATURES)
                .accumulation(float32 ? Accumulation.FLOAT32 : Accumulation.FLOAT64)
                .description(description);
        if (float32) {
            b.link(Link.SIGMOID).task(Task.BINARY, 2).baseMargin(new double[] {binaryBase});
        } else {
            b.link(Link.SOFTMAX).task(Task.MULTICLASS, 3).baseMargin(multiclassBase);
        }
        return b;
    }

    /**
     * Numeric splits only (every kind but categorical), thresholds on a grid of {@code grid} values
     * per feature, trees of up to {@code maxDepth} levels: XGBoost-like float32 binary, or
     * LightGBM-like double sums over 3 groups. With a grid of at most 120 and depth at most 8 it is
     * what {@link dev.tutti.cpu.tree.batch.TreeAlgorithm#BITSLICE} evaluates.
     */
    static TreeEnsemble numeric(long seed, boolean float32, int maxDepth, int grid) throws TreeModelException {
        Random random = new Random(seed);
        int groups = float32 ? 1 : 3;
        TreeEnsemble.Builder b = randomBuilder("random numeric " + seed, float32, (float) -0.3, new double[] {0.1, -0.2, 0.3});
        for (int t = 0; t < 60; t++) {
            b.tree(numericNode(b, random, 0, maxDepth, float32, grid), t % groups);
        }
        b.tree(b.leaf(float32 ? 0.75f : 0.75), 0);
        return b.build();
    }

    /**
     * Categorical and numeric splits over categories below 62 and thresholds on a grid of 120 values
     * per feature, trees of up to {@code maxDepth} levels: what
     * {@link dev.tutti.cpu.tree.batch.TreeAlgorithm#BITSLICE} evaluates with categorical splits.
     * Features 0 and 1 are categorical (in-set left or right, NaN left or right, negatives out of
     * the set or truncated to category 0); feature 1 is also split numerically, so that a column is
     * read both ways; the sets are random over categories 0 to 61, some of them empty or full.
     * XGBoost-like float32 binary, or LightGBM-like double sums over 3 groups.
     */
    static TreeEnsemble categorical(long seed, boolean float32, int maxDepth) throws TreeModelException {
        Random random = new Random(seed);
        int groups = float32 ? 1 : 3;
        TreeEnsemble.Builder b = randomBuilder("random categorical " + seed, float32, (float) 0.2, new double[] {-0.1, 0.2, 0.05});
        for (int t = 0; t < 60; t++) {
            b.tree(categoricalNode(b, random, 0, maxDepth, float32), t % groups);
        }
        return b.build();
    }

    private static int categoricalNode(TreeEnsemble.Builder b, Random random, int depth, int maxDepth, boolean float32) {
        if (depth == maxDepth || (depth > 0 && random.nextInt(6) == 0)) {
            double value = random.nextGaussian();
            return b.leaf(float32 ? (float) value : value);
        }
        int feature = random.nextInt(FEATURES);
        int split;
        if (feature <= 1 && (feature == 0 || random.nextBoolean())) {
            // a set over categories 0 .. 61 (62 and more do not fit BITSLICE's codes)
            int[] bits = new int[random.nextBoolean() ? 1 : 2];
            for (int w = 0; w < bits.length; w++) {
                bits[w] = switch (random.nextInt(8)) {
                    case 0 -> 0;
                    case 1 -> -1;
                    default -> random.nextInt();
                };
            }
            if (bits.length == 2) {
                bits[1] &= (1 << (62 - 32)) - 1;
            }
            split = b.categoricalSplit(feature, bits, random.nextBoolean(), random.nextBoolean(), random.nextBoolean());
        } else {
            double threshold = (random.nextInt(120) - 60) / 8.0;
            boolean inclusive = !float32 && random.nextBoolean();
            boolean zeroAsMissing = !float32 && random.nextInt(4) == 0;
            split = b.numericSplit(feature, threshold, inclusive, random.nextBoolean(), zeroAsMissing);
        }
        b.children(split, categoricalNode(b, random, depth + 1, maxDepth, float32),
                categoricalNode(b, random, depth + 1, maxDepth, float32));
        return split;
    }

    private static int numericNode(TreeEnsemble.Builder b, Random random, int depth, int maxDepth, boolean float32, int grid) {
        if (depth == maxDepth || (depth > 0 && random.nextInt(6) == 0)) {
            double value = random.nextGaussian();
            return b.leaf(float32 ? (float) value : value);
        }
        int feature = 1 + random.nextInt(FEATURES - 1);
        double threshold = (random.nextInt(grid) - grid / 2) / 8.0;
        boolean inclusive = !float32 && random.nextBoolean();
        boolean zeroAsMissing = !float32 && random.nextInt(4) == 0;
        int split = b.numericSplit(feature, threshold, inclusive, random.nextBoolean(), zeroAsMissing);
        b.children(split, numericNode(b, random, depth + 1, maxDepth, float32, grid),
                numericNode(b, random, depth + 1, maxDepth, float32, grid));
        return split;
    }

    private static int node(TreeEnsemble.Builder b, Random random, int depth, int maxDepth, boolean float32) {
        if (depth == maxDepth || (depth > 0 && random.nextInt(5) == 0)) {
            double value = random.nextGaussian();
            return b.leaf(float32 ? (float) value : value);
        }
        int split = split(b, random, float32);
        b.children(split, node(b, random, depth + 1, maxDepth, float32), node(b, random, depth + 1, maxDepth, float32));
        return split;
    }

    private static int split(TreeEnsemble.Builder b, Random random, boolean xgboost) {
        int feature = random.nextInt(FEATURES);
        boolean nanLeft = random.nextBoolean();
        if (feature == 0) {
            // categorical: a few categories, sometimes some of 62 and more (decided by the model, not a mask)
            int words = random.nextInt(4) == 0 ? 4 : 1;
            int[] bits = new int[words];
            for (int w = 0; w < words; w++) {
                bits[w] = random.nextInt();
            }
            return b.categoricalSplit(feature, bits, !xgboost, nanLeft, xgboost);
        }
        double threshold = switch (random.nextInt(4)) {
            case 0 -> 0.0;
            case 1 -> random.nextInt(7) - 3;
            default -> random.nextGaussian() * 2;
        };
        if (xgboost) {
            threshold = (float) threshold;
        }
        boolean inclusive = !xgboost && random.nextBoolean();
        boolean zeroAsMissing = !xgboost && random.nextInt(4) == 0;
        return b.numericSplit(feature, threshold, inclusive, nanLeft, zeroAsMissing);
    }
}
