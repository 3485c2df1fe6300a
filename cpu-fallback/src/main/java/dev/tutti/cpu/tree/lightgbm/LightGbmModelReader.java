package dev.tutti.cpu.tree.lightgbm;

import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeEnsemble.Accumulation;
import dev.tutti.cpu.tree.model.TreeEnsemble.Link;
import dev.tutti.cpu.tree.model.TreeModelException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a LightGBM text model ({@code Booster.save_model}, format v3/v4 as written by 3.3.x) into a
 * {@link TreeEnsemble}.
 *
 * <p>Semantics, as LightGBM 3.3.5 ({@code include/LightGBM/tree.h} {@code NumericalDecision},
 * {@code CategoricalDecision}; {@code src/boosting/gbdt_prediction.cpp} {@code PredictRaw};
 * {@code src/objective/*} {@code ConvertOutput}), checked against lightgbmlib 3.3.5 predictions:
 *
 * <ul>
 *   <li>{@code decision_type}: bit 0 categorical, bit 1 default left, bits 2-3 missing type (0 None,
 *       1 Zero, 2 NaN);
 *   <li>numeric: a NaN becomes 0.0 unless the missing type is NaN; then missing type Zero with
 *       {@code |x| <= 1e-35f}, or missing type NaN with a NaN, takes the default direction;
 *       otherwise {@code x <= threshold} goes left (doubles);
 *   <li>categorical: NaN goes right; otherwise {@code (int) x}, negative goes right; left when the
 *       category's bit is set in {@code cat_threshold[cat_boundaries[t] .. cat_boundaries[t+1])}
 *       where {@code t = (int) threshold};
 *   <li>leaf values double, summed in double from 0, trees in order; tree {@code i} adds to class
 *       {@code i % num_tree_per_iteration}; with {@code average_output} (random forest) each sum is
 *       divided by the number of iterations;
 *   <li>binary: {@code 1 / (1 + exp(-sigmoid * margin))}; multiclass: softmax; regression,
 *       regression_l1, huber, fair, quantile, mape (without {@code sqrt}): the margin.
 * </ul>
 *
 * <p>Threads: stateless. Allocation: the model it builds.
 */
public final class LightGbmModelReader {
    private static final int MISSING_NONE = 0;
    private static final int MISSING_ZERO = 1;
    private static final int MISSING_NAN = 2;
    private static final Set<String> IDENTITY_REGRESSION =
            Set.of("regression", "regression_l1", "huber", "fair", "quantile", "mape");

    private LightGbmModelReader() {}

    /** Parses the text of a model file. */
    public static TreeEnsemble read(String text) throws TreeModelException {
        String[] lines = text.split("\r?\n", -1);
        int line = 0;
        while (line < lines.length && lines[line].isBlank()) {
            line++;
        }
        if (line == lines.length) {
            throw new TreeModelException("the file is empty");
        }
        if (!lines[line].trim().equals("tree")) {
            throw new TreeModelException("line " + (line + 1) + " is '" + abbreviate(lines[line])
                    + "'; a LightGBM text model starts with 'tree'");
        }
        Map<String, String> header = new HashMap<>();
        int headerStart = line;
        for (line++; line < lines.length && !lines[line].startsWith("Tree=") && !lines[line].startsWith("end of trees"); line++) {
            String l = lines[line].trim();
            if (l.isEmpty()) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                header.put(l, "");
            } else {
                header.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        int numClass = headerInt(header, "num_class");
        int perIteration = headerInt(header, "num_tree_per_iteration");
        int maxFeature = headerInt(header, "max_feature_idx");
        boolean average = header.containsKey("average_output");
        if (numClass < 1 || perIteration < 1 || maxFeature < 0) {
            throw new TreeModelException("header (from line " + (headerStart + 1) + "): num_class " + numClass
                    + ", num_tree_per_iteration " + perIteration + ", max_feature_idx " + maxFeature + " are not valid");
        }
        String objective = header.get("objective");
        if (objective == null || objective.isBlank()) {
            throw new TreeModelException("header: missing field objective (models trained with a custom objective are not supported)");
        }

        TreeEnsemble.Builder builder = TreeEnsemble.builder(perIteration)
                .featureCount(maxFeature + 1)
                .accumulation(Accumulation.FLOAT64)
                .baseMargin(new double[perIteration]);
        configureObjective(builder, objective.trim(), numClass, perIteration);

        int trees = 0;
        boolean ended = false;
        while (line < lines.length) {
            String l = lines[line];
            if (l.startsWith("end of trees")) {
                ended = true;
                break;
            }
            if (l.isBlank()) {
                line++;
                continue;
            }
            if (!l.startsWith("Tree=")) {
                throw new TreeModelException("line " + (line + 1) + " is '" + abbreviate(l) + "'; expected 'Tree=" + trees + "'");
            }
            String label = "Tree=" + l.substring(5).trim();
            if (!label.equals("Tree=" + trees)) {
                throw new TreeModelException("line " + (line + 1) + " is '" + abbreviate(l) + "'; expected 'Tree=" + trees + "'");
            }
            Map<String, String> fields = new HashMap<>();
            for (line++; line < lines.length && !lines[line].isBlank() && !lines[line].startsWith("Tree=")
                    && !lines[line].startsWith("end of trees"); line++) {
                String f = lines[line];
                int eq = f.indexOf('=');
                if (eq < 0) {
                    throw new TreeModelException(label + ", line " + (line + 1) + ": '" + abbreviate(f) + "' is not key=value");
                }
                fields.put(f.substring(0, eq).trim(), f.substring(eq + 1).trim());
            }
            int root = readTree(builder, fields, label, maxFeature + 1);
            builder.tree(root, trees % perIteration);
            trees++;
        }
        if (!ended) {
            throw new TreeModelException("no 'end of trees' line: the file is truncated or not a LightGBM text model");
        }
        if (trees == 0) {
            throw new TreeModelException("the model has no trees");
        }
        if (trees % perIteration != 0) {
            throw new TreeModelException(trees + " trees is not a multiple of num_tree_per_iteration " + perIteration);
        }
        if (average) {
            builder.averageOver(trees / perIteration);
        }
        builder.description("lightgbm " + header.getOrDefault("version", "(unknown version)") + " " + objective.trim()
                + (average ? " average_output" : "") + ", " + trees + " trees, " + (maxFeature + 1) + " features");
        return builder.build();
    }

    private static void configureObjective(TreeEnsemble.Builder builder, String objective, int numClass, int perIteration)
            throws TreeModelException {
        String[] tokens = objective.split("\\s+");
        String name = tokens[0];
        Map<String, String> params = new HashMap<>();
        for (int i = 1; i < tokens.length; i++) {
            int colon = tokens[i].indexOf(':');
            params.put(colon < 0 ? tokens[i] : tokens[i].substring(0, colon), colon < 0 ? "" : tokens[i].substring(colon + 1));
        }
        switch (name) {
            case "binary" -> {
                single(numClass, perIteration, name);
                double sigmoid = 1.0;
                if (params.containsKey("sigmoid")) {
                    sigmoid = number(params.get("sigmoid"), "objective sigmoid:");
                }
                if (!(sigmoid > 0) || Double.isInfinite(sigmoid)) {
                    throw new TreeModelException("objective '" + objective + "': sigmoid must be positive");
                }
                builder.link(Link.SIGMOID).sigmoidScale(sigmoid).task(Task.BINARY, 2);
            }
            case "multiclass" -> {
                if (numClass < 2 || perIteration != numClass) {
                    throw new TreeModelException("objective '" + objective + "' with num_class " + numClass
                            + " and num_tree_per_iteration " + perIteration + " (they must be equal and at least 2)");
                }
                if (params.containsKey("num_class") && !params.get("num_class").equals(Integer.toString(numClass))) {
                    throw new TreeModelException("objective '" + objective + "' disagrees with num_class=" + numClass);
                }
                builder.link(Link.SOFTMAX).task(Task.MULTICLASS, numClass);
            }
            default -> {
                if (!IDENTITY_REGRESSION.contains(name)) {
                    throw new TreeModelException("objective '" + objective + "' is not supported (supported: binary,"
                            + " multiclass, regression, regression_l1, huber, fair, quantile, mape)");
                }
                if (params.containsKey("sqrt")) {
                    throw new TreeModelException("objective '" + objective + "': the sqrt transform is not supported");
                }
                single(numClass, perIteration, name);
                builder.link(Link.IDENTITY).task(Task.REGRESSION, 0);
            }
        }
    }

    private static void single(int numClass, int perIteration, String name) throws TreeModelException {
        if (numClass != 1 || perIteration != 1) {
            throw new TreeModelException("objective " + name + " with num_class " + numClass + " and num_tree_per_iteration "
                    + perIteration + " (both must be 1)");
        }
    }

    /** Adds one tree's nodes and leaves; returns its root reference. */
    private static int readTree(TreeEnsemble.Builder builder, Map<String, String> fields, String label, int features)
            throws TreeModelException {
        int numLeaves = (int) integerField(fields, "num_leaves", label);
        if (numLeaves < 1) {
            throw new TreeModelException(label + ": num_leaves is " + numLeaves);
        }
        if (fields.containsKey("is_linear") && !fields.get("is_linear").equals("0")) {
            throw new TreeModelException(label + ": is_linear=" + fields.get("is_linear")
                    + ": linear trees (linear_tree=true) are not supported");
        }
        double[] leafValue = doubles(fields, "leaf_value", numLeaves, label);
        int firstLeaf = -1;
        for (int l = 0; l < numLeaves; l++) {
            int ref = builder.leaf(leafValue[l]);
            if (l == 0) {
                firstLeaf = ~ref;
            }
        }
        if (numLeaves == 1) {
            return ~firstLeaf;
        }
        int splits = numLeaves - 1;
        int numCat = fields.containsKey("num_cat") ? (int) integerField(fields, "num_cat", label) : 0;
        long[] splitFeature = longs(fields, "split_feature", splits, label);
        double[] threshold = doubles(fields, "threshold", splits, label);
        long[] decisionType = longs(fields, "decision_type", splits, label);
        long[] leftChild = longs(fields, "left_child", splits, label);
        long[] rightChild = longs(fields, "right_child", splits, label);
        long[] catBoundaries = null;
        long[] catThreshold = null;
        if (numCat > 0) {
            catBoundaries = longs(fields, "cat_boundaries", numCat + 1, label);
            if (catBoundaries[0] != 0) {
                throw new TreeModelException(label + ": cat_boundaries must start at 0");
            }
            for (int i = 0; i < numCat; i++) {
                if (catBoundaries[i + 1] < catBoundaries[i]) {
                    throw new TreeModelException(label + ": cat_boundaries decrease at " + (i + 1));
                }
            }
            catThreshold = longs(fields, "cat_threshold", (int) catBoundaries[numCat], label);
        } else if (numCat < 0) {
            throw new TreeModelException(label + ": num_cat is " + numCat);
        }

        int firstNode = -1;
        for (int i = 0; i < splits; i++) {
            String where = label + " split " + i;
            long feature = splitFeature[i];
            if (feature < 0 || feature >= features) {
                throw new TreeModelException(where + ": split_feature " + feature + " is outside the " + features
                        + " features (max_feature_idx + 1)");
            }
            long type = decisionType[i];
            if (type < 0 || type > 127) {
                throw new TreeModelException(where + ": decision_type " + type + " is not an int8 flag set");
            }
            boolean categorical = (type & 1) != 0;
            boolean defaultLeft = (type & 2) != 0;
            int missing = (int) ((type >> 2) & 3);
            if (missing == 3) {
                throw new TreeModelException(where + ": decision_type " + type + " has missing type 3 (0 None, 1 Zero, 2 NaN)");
            }
            int node;
            if (categorical) {
                double t = threshold[i];
                if (numCat == 0 || !(t >= 0 && t < numCat) || t != Math.rint(t)) {
                    throw new TreeModelException(where + ": threshold " + t + " is not a category set index below num_cat "
                            + numCat);
                }
                int set = (int) t;
                int from = (int) catBoundaries[set];
                int to = (int) catBoundaries[set + 1];
                int[] bits = new int[to - from];
                for (int w = from; w < to; w++) {
                    long word = catThreshold[w];
                    if (word < 0 || word > 0xFFFFFFFFL) {
                        throw new TreeModelException(label + ": cat_threshold[" + w + "] = " + word + " is not a uint32");
                    }
                    bits[w - from] = (int) word;
                }
                // CategoricalDecision: NaN goes right; negative (int) x goes right; set bits go left
                node = builder.categoricalSplit((int) feature, bits, true, false, false);
            } else {
                double t = threshold[i];
                if (!Double.isFinite(t)) {
                    throw new TreeModelException(where + ": threshold " + t + " is not finite");
                }
                // NumericalDecision: a NaN becomes 0.0 unless missing type is NaN
                boolean nanLeft = switch (missing) {
                    case MISSING_NONE -> 0.0 <= t;
                    case MISSING_ZERO, MISSING_NAN -> defaultLeft;
                    default -> throw new AssertionError(missing);
                };
                node = builder.numericSplit((int) feature, t, true, nanLeft, missing == MISSING_ZERO);
            }
            if (i == 0) {
                firstNode = node;
            }
        }
        for (int i = 0; i < splits; i++) {
            builder.children(firstNode + i, child(leftChild[i], splits, numLeaves, firstNode, firstLeaf, label, i),
                    child(rightChild[i], splits, numLeaves, firstNode, firstLeaf, label, i));
        }
        return firstNode;
    }

    private static int child(long c, int splits, int leaves, int firstNode, int firstLeaf, String label, int split)
            throws TreeModelException {
        if (c >= 0) {
            if (c >= splits) {
                throw new TreeModelException(label + " split " + split + ": child " + c + " is beyond the " + splits + " splits");
            }
            return firstNode + (int) c;
        }
        long leaf = ~c;
        if (leaf >= leaves) {
            throw new TreeModelException(label + " split " + split + ": child " + c + " names leaf " + leaf + " of " + leaves);
        }
        return ~(firstLeaf + (int) leaf);
    }

    private static int headerInt(Map<String, String> header, String key) throws TreeModelException {
        String value = header.get(key);
        if (value == null) {
            throw new TreeModelException("header: missing field " + key);
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TreeModelException("header: " + key + "=" + abbreviate(value) + " is not an integer");
        }
    }

    private static long integerField(Map<String, String> fields, String key, String label) throws TreeModelException {
        String value = fields.get(key);
        if (value == null) {
            throw new TreeModelException(label + ": missing field " + key);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TreeModelException(label + ": " + key + "=" + abbreviate(value) + " is not an integer");
        }
    }

    private static String[] values(Map<String, String> fields, String key, int count, String label) throws TreeModelException {
        String value = fields.get(key);
        if (value == null) {
            throw new TreeModelException(label + ": missing field " + key);
        }
        String[] parts = value.isEmpty() ? new String[0] : value.split("\\s+");
        if (parts.length != count) {
            throw new TreeModelException(label + ": " + key + " has " + parts.length + " values, expected " + count);
        }
        return parts;
    }

    private static long[] longs(Map<String, String> fields, String key, int count, String label) throws TreeModelException {
        String[] parts = values(fields, key, count, label);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new TreeModelException(label + ": " + key + " value " + i + " '" + abbreviate(parts[i]) + "' is not an integer");
            }
        }
        return out;
    }

    private static double[] doubles(Map<String, String> fields, String key, int count, String label) throws TreeModelException {
        String[] parts = values(fields, key, count, label);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = number(parts[i], label + ": " + key + " value " + i);
        }
        return out;
    }

    /** A double as LightGBM writes it (%.17g, or inf / nan spelled as C does). */
    private static double number(String text, String what) throws TreeModelException {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "-nan", "+nan" -> {
                return Double.NaN;
            }
            default -> {}
        }
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (!Character.isDigit(last) && last != '.') {
            throw new TreeModelException(what + " '" + abbreviate(text) + "' is not a number");
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new TreeModelException(what + " '" + abbreviate(text) + "' is not a number");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
