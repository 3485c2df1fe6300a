package dev.tutti.cpu.tree.model;

import dev.tutti.combine.Task;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A forest of binary decision trees in flat arrays, the one representation every supported format
 * (XGBoost JSON/UBJ, LightGBM text) is parsed into, plus what turns the trees' outputs into
 * predictions: output groups, base margins, how leaf values are summed and the link function.
 *
 * <p>Nodes of all trees share one index space. An internal node {@code n} has {@code left[n]} and
 * {@code right[n]}; a child {@code c >= 0} is another internal node, a child {@code c < 0} is the
 * leaf {@code ~c} whose value is {@code leafValue[~c]}. A tree whose root is a leaf has a negative
 * root. Each internal node tests one feature:
 *
 * <ul>
 *   <li>a NaN value goes to the child named by {@link #NAN_LEFT} (whatever the split type; readers
 *       fold each format's missing-value rules into this bit);
 *   <li>numeric split: with {@link #ZERO_AS_MISSING}, {@code |x| <= 1e-35f} goes the NaN way;
 *       otherwise {@code x < threshold} goes left (inclusive {@code <=} thresholds of LightGBM are
 *       stored as {@code Math.nextUp(threshold)}, which is the same test for every finite or
 *       infinite double {@code x});
 *   <li>categorical split: the category is {@code (int) x} (truncation, as C++'s
 *       {@code static_cast<int>}); it is "in the set" when it is non-negative and its bit is set in
 *       the node's bitset (32-bit words, bit {@code c % 32} of word {@code c / 32}); with
 *       {@link #NEGATIVE_NOT_IN_SET} every {@code x < 0} (also -0.5) is out of the set. In-set values
 *       go left when {@link #IN_SET_LEFT} is set, right otherwise.
 * </ul>
 *
 * <p>Threads: immutable after {@link Builder#build()}; {@link #predict} and {@link #leaf} may be
 * called concurrently. Allocation: none in {@link #predict} and {@link #leaf}.
 */
public final class TreeEnsemble {

    /** How the leaf values of one row are added up; chosen to match the library that trained the model. */
    public enum Accumulation {
        /**
         * Base margin and every leaf value rounded to float32 after each addition, trees in order
         * (XGBoost's CPU predictor sums into a {@code float} buffer); the link is computed in
         * float32 as XGBoost does.
         */
        FLOAT32,
        /** Sum from the base margin in double, trees in order (LightGBM's {@code GBDT::PredictRaw}). */
        FLOAT64
    }

    /** What turns the per-group margins into the member's outputs. */
    public enum Link {
        /** One group, the value as it is (regression). */
        IDENTITY,
        /** One group, {@code 1 / (1 + exp(-scale * margin))}. */
        SIGMOID,
        /** K groups, softmax over them. */
        SOFTMAX
    }

    /** Node flag: categorical split (otherwise numeric). */
    public static final int CATEGORICAL = 1;
    /** Node flag: a NaN (and, with {@link #ZERO_AS_MISSING}, a zero) goes left. */
    public static final int NAN_LEFT = 2;
    /** Node flag (numeric splits): {@code |x| <= 1e-35f} is treated as missing (LightGBM missing type Zero). */
    public static final int ZERO_AS_MISSING = 4;
    /** Node flag (categorical splits): categories in the bitset go left (LightGBM) instead of right (XGBoost). */
    public static final int IN_SET_LEFT = 8;
    /** Node flag (categorical splits): every {@code x < 0}, also in (-1, 0), is out of the set (XGBoost). */
    public static final int NEGATIVE_NOT_IN_SET = 16;

    /** LightGBM's {@code kZeroThreshold}: {@code 1e-35f} widened to double. */
    public static final double ZERO_THRESHOLD = 1e-35f;

    private final int[] left;
    private final int[] right;
    private final int[] feature;
    private final int[] flags;
    private final double[] threshold;
    private final int[] catOffset;
    private final int[] catWords;
    private final int[] catBits;
    private final double[] leafValue;
    private final int[] treeRoot;
    private final int[] treeGroup;
    private final int groups;
    private final int featureCount;
    private final double[] baseMargin;
    private final Accumulation accumulation;
    private final Link link;
    private final double sigmoidScale;
    private final int averageOver;
    private final Task task;
    private final int classes;
    private final Set<Task> servedTasks;
    private final boolean[] categoricalFeature;
    private final String description;

    private TreeEnsemble(Builder b, int nodes, int leaves) {
        this.left = Arrays.copyOf(b.left, nodes);
        this.right = Arrays.copyOf(b.right, nodes);
        this.feature = Arrays.copyOf(b.feature, nodes);
        this.flags = Arrays.copyOf(b.flags, nodes);
        this.threshold = Arrays.copyOf(b.threshold, nodes);
        this.catOffset = Arrays.copyOf(b.catOffset, nodes);
        this.catWords = Arrays.copyOf(b.catWords, nodes);
        this.catBits = Arrays.copyOf(b.catBits, b.catBitCount);
        this.leafValue = Arrays.copyOf(b.leafValue, leaves);
        this.treeRoot = Arrays.copyOf(b.treeRoot, b.trees);
        this.treeGroup = Arrays.copyOf(b.treeGroup, b.trees);
        this.groups = b.groups;
        this.featureCount = b.featureCount;
        this.baseMargin = b.baseMargin.clone();
        this.accumulation = b.accumulation;
        this.link = b.link;
        this.sigmoidScale = b.sigmoidScale;
        this.averageOver = b.averageOver;
        this.task = b.task;
        this.classes = b.classes;
        this.servedTasks = Set.copyOf(b.servedTasks);
        this.categoricalFeature = new boolean[featureCount];
        for (int n = 0; n < nodes; n++) {
            if ((flags[n] & CATEGORICAL) != 0) {
                categoricalFeature[feature[n]] = true;
            }
        }
        this.description = b.description;
    }

    public static Builder builder(int groups) {
        return new Builder(groups);
    }

    /** Output groups (margins per row): K for softmax, 1 otherwise. */
    public int groups() {
        return groups;
    }

    /** Values {@link #predict} writes per row: K for softmax, 1 otherwise. */
    public int outputs() {
        return link == Link.SOFTMAX ? groups : 1;
    }

    /** Features the model reads: every split feature index is below this. */
    public int featureCount() {
        return featureCount;
    }

    public int treeCount() {
        return treeRoot.length;
    }

    /** Output group of tree {@code t}. */
    public int treeGroup(int t) {
        return treeGroup[t];
    }

    public int nodeCount() {
        return left.length;
    }

    public int leafCount() {
        return leafValue.length;
    }

    public double leafValue(int leaf) {
        return leafValue[leaf];
    }

    /** Margin of {@code group} before any tree is added (already in margin space). */
    public double baseMargin(int group) {
        return baseMargin[group];
    }

    public Accumulation accumulation() {
        return accumulation;
    }

    public Link link() {
        return link;
    }

    /** The task the model was trained for. */
    public Task task() {
        return task;
    }

    /** Classes of the trained task (2 binary, K multiclass, 0 regression). */
    public int classes() {
        return classes;
    }

    /** Tasks a member of this model may declare (for example reg:logistic serves binary and regression). */
    public Set<Task> servedTasks() {
        return servedTasks;
    }

    /** Whether some split treats {@code feature} as categorical. */
    public boolean splitsCategorically(int feature) {
        return feature >= 0 && feature < featureCount && categoricalFeature[feature];
    }

    /** One line for logs: library, objective, trees, features. */
    public String description() {
        return description;
    }

    /** Root of tree {@code t}: a split node id, or {@code ~leaf} when the tree is a single leaf. */
    public int treeRoot(int t) {
        return treeRoot[t];
    }

    /** Left child of split {@code node}: a split node id, or {@code ~leaf}. */
    public int leftChild(int node) {
        return left[node];
    }

    /** Right child of split {@code node}: a split node id, or {@code ~leaf}. */
    public int rightChild(int node) {
        return right[node];
    }

    /** Feature tested by split {@code node}. */
    public int splitFeature(int node) {
        return feature[node];
    }

    /** The {@link #CATEGORICAL}, {@link #NAN_LEFT}, ... flags of split {@code node}. */
    public int splitFlags(int node) {
        return flags[node];
    }

    /** Exclusive threshold of numeric split {@code node}: {@code x < threshold} goes left. */
    public double splitThreshold(int node) {
        return threshold[node];
    }

    /** A copy of the category bitset of categorical split {@code node} (empty for numeric splits). */
    public int[] categoryBitset(int node) {
        return Arrays.copyOfRange(catBits, catOffset[node], catOffset[node] + catWords[node]);
    }

    /** Iterations the summed margins are divided by (LightGBM {@code average_output}); 0 when summed. */
    public int averageOver() {
        return averageOver;
    }

    /** Global index of the leaf that {@code row} reaches in tree {@code tree}. */
    public int leaf(int tree, float[] row) {
        int node = treeRoot[tree];
        while (node >= 0) {
            node = next(node, row[feature[node]]) ? left[node] : right[node];
        }
        return ~node;
    }

    /**
     * Whether value {@code x} goes left at split {@code node}: the one decision rule every evaluator
     * follows (see the class comment).
     */
    public boolean goesLeft(int node, float x) {
        return next(node, x);
    }

    private boolean next(int node, float x) {
        int f = flags[node];
        if (x != x) {
            return (f & NAN_LEFT) != 0;
        }
        if ((f & CATEGORICAL) != 0) {
            return inSet(node, x, f) == ((f & IN_SET_LEFT) != 0);
        }
        double v = x;
        if ((f & ZERO_AS_MISSING) != 0 && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) {
            return (f & NAN_LEFT) != 0;
        }
        return v < threshold[node];
    }

    private boolean inSet(int node, float x, int f) {
        if ((f & NEGATIVE_NOT_IN_SET) != 0 && x < 0) {
            return false;
        }
        int category = (int) x;
        if (category < 0) {
            return false;
        }
        int word = category >>> 5;
        return word < catWords[node] && ((catBits[catOffset[node] + word] >>> (category & 31)) & 1) != 0;
    }

    /**
     * Predicts one row.
     *
     * @param row at least {@link #featureCount()} values: numbers, category codes, NaN for missing
     * @param out at least {@link #groups()} entries; receives the {@link #outputs()} predictions
     *     (probabilities for sigmoid and softmax links, the value for identity)
     */
    public void predict(float[] row, double[] out) {
        margins(row, out);
        applyLink(out);
    }

    /**
     * Turns the {@link #groups()} margins of one row, as {@link #margins} computes them, into the
     * {@link #outputs()} predictions, in place.
     */
    public void applyLink(double[] out) {
        switch (link) {
            case IDENTITY -> {}
            case SIGMOID -> out[0] = sigmoid(out[0]);
            case SOFTMAX -> softmax(out);
        }
    }

    /**
     * Computes the raw margins of one row (base margin plus tree outputs, averaged for random-forest
     * LightGBM models), before the link.
     *
     * @param out at least {@link #groups()} entries
     */
    public void margins(float[] row, double[] out) {
        System.arraycopy(baseMargin, 0, out, 0, groups);
        int trees = treeRoot.length;
        if (accumulation == Accumulation.FLOAT32) {
            for (int t = 0; t < trees; t++) {
                int g = treeGroup[t];
                // both operands are float32 values: the double sum rounded to float is the float sum
                out[g] = (float) (out[g] + leafValue[leaf(t, row)]);
            }
        } else {
            for (int t = 0; t < trees; t++) {
                out[treeGroup[t]] += leafValue[leaf(t, row)];
            }
        }
        if (averageOver > 0) {
            for (int g = 0; g < groups; g++) {
                out[g] /= averageOver;
            }
        }
    }

    private double sigmoid(double margin) {
        if (accumulation == Accumulation.FLOAT32) {
            // XGBoost: 1.0f / (1.0f + expf(-x)), every step in float32
            float e = (float) Math.exp(-(float) margin);
            float denominator = 1.0f + e;
            return 1.0f / denominator;
        }
        // LightGBM BinaryLogloss::ConvertOutput: 1.0 / (1.0 + std::exp(-sigmoid_ * input))
        return 1.0 / (1.0 + Math.exp(-sigmoidScale * margin));
    }

    private void softmax(double[] out) {
        double max = out[0];
        for (int g = 1; g < groups; g++) {
            max = Math.max(max, out[g]);
        }
        double sum = 0.0;
        if (accumulation == Accumulation.FLOAT32) {
            // XGBoost common::Softmax: float exps, double sum, float division
            for (int g = 0; g < groups; g++) {
                float e = (float) Math.exp((float) (out[g] - max));
                out[g] = e;
                sum += e;
            }
            float total = (float) sum;
            for (int g = 0; g < groups; g++) {
                out[g] = (float) out[g] / total;
            }
        } else {
            // LightGBM Common::Softmax, all double
            for (int g = 0; g < groups; g++) {
                out[g] = Math.exp(out[g] - max);
                sum += out[g];
            }
            for (int g = 0; g < groups; g++) {
                out[g] /= sum;
            }
        }
    }

    @Override
    public String toString() {
        return "TreeEnsemble[" + description + "]";
    }

    /**
     * Collects nodes, leaves and trees; {@link #build()} checks that the trees are trees (every node
     * reached at most once, children in range) and that split features are below the feature count.
     *
     * <p>Threads: confined to one thread.
     */
    public static final class Builder {
        private static final int UNSET = Integer.MIN_VALUE;

        private final int groups;
        private int[] left = new int[64];
        private int[] right = new int[64];
        private int[] feature = new int[64];
        private int[] flags = new int[64];
        private double[] threshold = new double[64];
        private int[] catOffset = new int[64];
        private int[] catWords = new int[64];
        private int nodes;
        private int[] catBits = new int[16];
        private int catBitCount;
        private double[] leafValue = new double[64];
        private int leaves;
        private int[] treeRoot = new int[16];
        private int[] treeGroup = new int[16];
        private int trees;
        private int featureCount = -1;
        private double[] baseMargin;
        private Accumulation accumulation;
        private Link link;
        private double sigmoidScale = 1.0;
        private int averageOver;
        private Task task;
        private int classes;
        private final EnumSet<Task> servedTasks = EnumSet.noneOf(Task.class);
        private String description = "";

        private Builder(int groups) {
            if (groups < 1) {
                throw new IllegalArgumentException("groups must be positive: " + groups);
            }
            this.groups = groups;
            this.baseMargin = new double[groups];
        }

        /**
         * Adds a numeric split and returns its node id; set its children with {@link #children}.
         *
         * @param inclusive whether {@code x == threshold} goes left ({@code <=}, LightGBM) or right
         *     ({@code <}, XGBoost)
         * @param nanLeft where NaN goes
         * @param zeroAsMissing whether {@code |x| <= 1e-35f} also goes where NaN goes
         */
        public int numericSplit(int feature, double threshold, boolean inclusive, boolean nanLeft, boolean zeroAsMissing) {
            if (Double.isNaN(threshold) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("numeric split threshold must be finite, not " + threshold);
            }
            int n = addNode(feature);
            this.threshold[n] = inclusive ? Math.nextUp(threshold) : threshold;
            this.flags[n] = (nanLeft ? NAN_LEFT : 0) | (zeroAsMissing ? ZERO_AS_MISSING : 0);
            return n;
        }

        /**
         * Adds a categorical split and returns its node id.
         *
         * @param bitset the set's categories, bit {@code c % 32} of word {@code c / 32}
         * @param inSetLeft whether categories in the set go left
         * @param nanLeft where NaN goes
         * @param negativeNotInSet whether every {@code x < 0} is out of the set (otherwise only
         *     {@code (int) x < 0})
         */
        public int categoricalSplit(int feature, int[] bitset, boolean inSetLeft, boolean nanLeft, boolean negativeNotInSet) {
            int n = addNode(feature);
            this.flags[n] = CATEGORICAL
                    | (inSetLeft ? IN_SET_LEFT : 0)
                    | (nanLeft ? NAN_LEFT : 0)
                    | (negativeNotInSet ? NEGATIVE_NOT_IN_SET : 0);
            if (catBitCount + bitset.length > catBits.length) {
                catBits = Arrays.copyOf(catBits, Math.max(catBits.length * 2, catBitCount + bitset.length));
            }
            System.arraycopy(bitset, 0, catBits, catBitCount, bitset.length);
            catOffset[n] = catBitCount;
            catWords[n] = bitset.length;
            catBitCount += bitset.length;
            return n;
        }

        private int addNode(int featureIndex) {
            if (featureIndex < 0) {
                throw new IllegalArgumentException("negative split feature index " + featureIndex);
            }
            if (nodes == left.length) {
                int size = nodes * 2;
                left = Arrays.copyOf(left, size);
                right = Arrays.copyOf(right, size);
                feature = Arrays.copyOf(feature, size);
                flags = Arrays.copyOf(flags, size);
                threshold = Arrays.copyOf(threshold, size);
                catOffset = Arrays.copyOf(catOffset, size);
                catWords = Arrays.copyOf(catWords, size);
            }
            left[nodes] = UNSET;
            right[nodes] = UNSET;
            feature[nodes] = featureIndex;
            return nodes++;
        }

        /** Adds a leaf and returns its child reference ({@code ~leafIndex}, always negative). */
        public int leaf(double value) {
            if (leaves == leafValue.length) {
                leafValue = Arrays.copyOf(leafValue, leaves * 2);
            }
            leafValue[leaves] = value;
            return ~leaves++;
        }

        /** Sets the children of split {@code node}: node ids or leaf references. */
        public void children(int node, int leftChild, int rightChild) {
            if (node < 0 || node >= nodes) {
                throw new IllegalArgumentException("no split node " + node);
            }
            left[node] = leftChild;
            right[node] = rightChild;
        }

        /** Adds a tree with the given root (a node id or a leaf reference) contributing to {@code group}. */
        public void tree(int root, int group) {
            if (group < 0 || group >= groups) {
                throw new IllegalArgumentException("tree output group " + group + " outside [0, " + groups + ")");
            }
            if (trees == treeRoot.length) {
                treeRoot = Arrays.copyOf(treeRoot, trees * 2);
                treeGroup = Arrays.copyOf(treeGroup, trees * 2);
            }
            treeRoot[trees] = root;
            treeGroup[trees] = group;
            trees++;
        }

        public int treeCount() {
            return trees;
        }

        /** Number of features the model declares; every split feature must be below it. */
        public Builder featureCount(int count) {
            this.featureCount = count;
            return this;
        }

        /** Margin of each group before any tree (margin space). */
        public Builder baseMargin(double[] margins) {
            if (margins.length != groups) {
                throw new IllegalArgumentException("need " + groups + " base margins, got " + margins.length);
            }
            this.baseMargin = margins.clone();
            return this;
        }

        public Builder accumulation(Accumulation accumulation) {
            this.accumulation = Objects.requireNonNull(accumulation);
            return this;
        }

        public Builder link(Link link) {
            this.link = Objects.requireNonNull(link);
            return this;
        }

        /** Factor on the margin inside the sigmoid (LightGBM's {@code sigmoid:} parameter); 1 by default. */
        public Builder sigmoidScale(double scale) {
            this.sigmoidScale = scale;
            return this;
        }

        /** Divide each margin by {@code iterations} after summing (LightGBM {@code average_output}); 0 to sum. */
        public Builder averageOver(int iterations) {
            this.averageOver = iterations;
            return this;
        }

        /** The trained task and its classes; also the first task the model serves. */
        public Builder task(Task task, int classes) {
            this.task = Objects.requireNonNull(task);
            this.classes = classes;
            this.servedTasks.add(task);
            return this;
        }

        /** Another task a member of this model may declare. */
        public Builder alsoServes(Task other) {
            this.servedTasks.add(other);
            return this;
        }

        public Builder description(String text) {
            this.description = Objects.requireNonNull(text);
            return this;
        }

        /**
         * Checks and freezes the model.
         *
         * @throws TreeModelException when a split has no children, a child or root is out of range,
         *     a node is reached twice (a cycle or shared subtree), a feature index is out of range,
         *     or a setting is missing
         */
        public TreeEnsemble build() throws TreeModelException {
            if (accumulation == null || link == null || task == null || featureCount < 0) {
                throw new IllegalStateException("accumulation, link, task and featureCount must be set");
            }
            if (trees == 0) {
                throw new TreeModelException("the model has no trees");
            }
            if (link == Link.SOFTMAX ? groups < 2 : groups != 1) {
                throw new TreeModelException(link + " link with " + groups + " output groups");
            }
            if (averageOver < 0 || (averageOver > 0 && trees != averageOver * groups)) {
                throw new TreeModelException("cannot average " + trees + " trees over " + averageOver + " iterations");
            }
            byte[] nodeSeen = new byte[nodes];
            byte[] leafSeen = new byte[leaves];
            for (int t = 0; t < trees; t++) {
                reach(treeRoot[t], nodeSeen, leafSeen, "root of tree " + t);
            }
            for (int n = 0; n < nodes; n++) {
                if (left[n] == UNSET || right[n] == UNSET) {
                    throw new TreeModelException("split node " + n + " has no children");
                }
                reach(left[n], nodeSeen, leafSeen, "left child of node " + n);
                reach(right[n], nodeSeen, leafSeen, "right child of node " + n);
                if (feature[n] >= featureCount) {
                    throw new TreeModelException("a split uses feature " + feature[n] + " but the model declares "
                            + featureCount + " features");
                }
            }
            return new TreeEnsemble(this, nodes, leaves);
        }

        private void reach(int child, byte[] nodeSeen, byte[] leafSeen, String what) throws TreeModelException {
            if (child >= 0) {
                if (child >= nodes) {
                    throw new TreeModelException(what + " is node " + child + ", beyond the " + nodes + " split nodes");
                }
                if (nodeSeen[child]++ != 0) {
                    throw new TreeModelException(what + ": node " + child + " is reached twice (cycle or shared subtree)");
                }
            } else {
                int leaf = ~child;
                if (leaf >= leaves) {
                    throw new TreeModelException(what + " is leaf " + leaf + ", beyond the " + leaves + " leaves");
                }
                if (leafSeen[leaf]++ != 0) {
                    throw new TreeModelException(what + ": leaf " + leaf + " is reached twice");
                }
            }
        }
    }
}
