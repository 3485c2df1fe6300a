package dev.tutti.cpu.tree.xgboost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeEnsemble.Accumulation;
import dev.tutti.cpu.tree.model.TreeEnsemble.Link;
import dev.tutti.cpu.tree.model.TreeModelException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads an XGBoost model saved with {@code Booster.save_model} as JSON or UBJ (1.7.x; 2.x/3.x files
 * with bracketed {@code base_score} are accepted) into a {@link TreeEnsemble}.
 *
 * <p>Semantics, as XGBoost 1.7.4's CPU predictor ({@code src/predictor/cpu_predictor.cc},
 * {@code predict_fn.h} {@code GetNextNode}, {@code common/categorical.h} {@code Decision}):
 *
 * <ul>
 *   <li>a node is a leaf when {@code left_children[i] == -1}; its value is {@code split_conditions[i]};
 *   <li>NaN goes to {@code default_left[i]}'s side at every split type;
 *   <li>numeric split ({@code split_type} 0): left when {@code x < split_conditions[i]} (float32);
 *   <li>categorical split ({@code split_type} 1): the node's categories (from {@code categories},
 *       {@code categories_nodes}, {@code categories_segments}, {@code categories_sizes}) go
 *       right; any other category goes left, and so does every {@code x < 0}; the category of
 *       {@code x >= 0} is {@code (int) x}, so 1.5 is category 1 (checked against xgboost 1.7.4 on
 *       a model with {@code default_left = 0}: -1, -0.5, 64, 1e7 go left, NaN right);
 *   <li>margins start at the objective's {@code ProbToMargin(base_score)} (logit for
 *       binary:logistic / reg:logistic, the value itself otherwise, for every class of
 *       multi:softprob / multi:softmax) and add the trees in order in float32; each tree adds to
 *       group {@code tree_info[t]};
 *   <li>binary:logistic / reg:logistic: {@code 1 / (1 + expf(-margin))}; multi:softprob and
 *       multi:softmax: probabilities by {@code common::Softmax}; reg:squarederror: the margin.
 * </ul>
 *
 * <p>Threads: stateless. Allocation: the model it builds.
 */
public final class XGBoostModelReader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // DecimalNode keeps the written digits, so float32 values are rounded once, exactly
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** XGBoost's {@code OutOfRangeCat()}: categories must be below 2^24. */
    private static final int MAX_CATEGORY = 1 << 24;

    private XGBoostModelReader() {}

    /** Parses a model saved as JSON. */
    public static TreeEnsemble readJson(byte[] bytes) throws TreeModelException {
        JsonNode document;
        try {
            document = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new TreeModelException("not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TreeModelException("cannot parse JSON: " + e.getMessage(), e);
        }
        if (document == null || document.isMissingNode()) {
            throw new TreeModelException("the file is empty");
        }
        return read(document, "JSON");
    }

    /** Parses a model saved as Universal Binary JSON. */
    public static TreeEnsemble readUbj(byte[] bytes) throws TreeModelException {
        if (bytes.length == 0) {
            throw new TreeModelException("the file is empty");
        }
        return read(UbjReader.read(bytes), "UBJ");
    }

    /** Builds the model from a parsed document (JSON or UBJ, which have the same structure). */
    public static TreeEnsemble read(JsonNode document, String encoding) throws TreeModelException {
        if (!document.isObject()) {
            throw new TreeModelException("the document is not an object; is this an XGBoost model?");
        }
        JsonNode learner = object(document, "learner", "learner");
        JsonNode objectiveNode = object(learner, "objective", "learner.objective");
        String objective = text(field(objectiveNode, "name", "learner.objective.name"), "learner.objective.name");

        String lmpPath = "learner.learner_model_param";
        JsonNode lmp = object(learner, "learner_model_param", lmpPath);
        int numClass = integer(field(lmp, "num_class", lmpPath + ".num_class"), lmpPath + ".num_class");
        int numFeature = integer(field(lmp, "num_feature", lmpPath + ".num_feature"), lmpPath + ".num_feature");
        if (lmp.has("num_target")) {
            int numTarget = integer(lmp.get("num_target"), lmpPath + ".num_target");
            if (numTarget > 1) {
                throw new TreeModelException(lmpPath + ".num_target is " + numTarget
                        + ": multi-target models are not supported");
            }
        }
        float[] baseScore = baseScore(field(lmp, "base_score", lmpPath + ".base_score"), lmpPath + ".base_score");
        if (numClass < 0 || numFeature < 0) {
            throw new TreeModelException(lmpPath + ": negative num_class or num_feature");
        }

        String gbPath = "learner.gradient_booster";
        JsonNode booster = object(learner, "gradient_booster", gbPath);
        String boosterName = text(field(booster, "name", gbPath + ".name"), gbPath + ".name");
        JsonNode model;
        String modelPath;
        switch (boosterName) {
            case "gbtree" -> {
                modelPath = gbPath + ".model";
                model = object(booster, "model", modelPath);
            }
            case "dart" -> {
                JsonNode gbtree = object(booster, "gbtree", gbPath + ".gbtree");
                modelPath = gbPath + ".gbtree.model";
                model = object(gbtree, "model", modelPath);
                checkTrivialDropWeights(booster, gbPath);
            }
            case "gblinear" -> throw new TreeModelException(gbPath + ".name is gblinear: linear boosters are not supported"
                    + " (only gbtree, and dart with all weight_drop = 1)");
            default -> throw new TreeModelException(gbPath + ".name is '" + boosterName
                    + "': unsupported booster (only gbtree, and dart with all weight_drop = 1)");
        }

        int groups = Math.max(1, numClass);
        TreeEnsemble.Builder builder = TreeEnsemble.builder(groups)
                .featureCount(numFeature)
                .accumulation(Accumulation.FLOAT32);
        String objPath = "learner.objective.name";
        switch (objective) {
            case "binary:logistic", "reg:logistic" -> {
                requireSingleGroup(numClass, objective, lmpPath);
                float p = single(baseScore, lmpPath);
                if (!(p > 0.0f && p < 1.0f)) {
                    throw new TreeModelException(lmpPath + ".base_score is " + p + "; " + objective + " needs it in (0, 1)");
                }
                // LogisticRegression::ProbToMargin: -logf(1.0f / base_score - 1.0f)
                float margin = -(float) Math.log(1.0f / p - 1.0f);
                builder.link(Link.SIGMOID).baseMargin(new double[] {margin}).task(Task.BINARY, 2);
                if (objective.equals("reg:logistic")) {
                    builder.alsoServes(Task.REGRESSION);
                }
            }
            case "reg:squarederror", "reg:linear" -> {
                requireSingleGroup(numClass, objective, lmpPath);
                builder.link(Link.IDENTITY).baseMargin(new double[] {single(baseScore, lmpPath)}).task(Task.REGRESSION, 0);
            }
            case "multi:softprob", "multi:softmax" -> {
                if (numClass < 2) {
                    throw new TreeModelException(lmpPath + ".num_class is " + numClass + " for " + objective);
                }
                // the default ProbToMargin is the identity: every class starts at base_score
                double[] margins = new double[groups];
                if (baseScore.length == 1) {
                    Arrays.fill(margins, baseScore[0]);
                } else {
                    for (int g = 0; g < groups; g++) {
                        if (baseScore[g] != baseScore[0]) {
                            throw new TreeModelException(lmpPath + ".base_score holds per-class values "
                                    + Arrays.toString(baseScore) + "; only one base score for all classes is supported");
                        }
                        margins[g] = baseScore[g];
                    }
                }
                builder.link(Link.SOFTMAX).baseMargin(margins).task(Task.MULTICLASS, groups);
            }
            default -> throw new TreeModelException(objPath + " is '" + objective + "': unsupported objective"
                    + " (supported: binary:logistic, reg:logistic, multi:softprob, multi:softmax, reg:squarederror)");
        }
        if (baseScore.length != 1 && baseScore.length != groups) {
            throw new TreeModelException(lmpPath + ".base_score has " + baseScore.length + " values for "
                    + groups + " output groups");
        }

        JsonNode trees = array(model, "trees", modelPath + ".trees");
        JsonNode treeInfo = array(model, "tree_info", modelPath + ".tree_info");
        if (treeInfo.size() != trees.size()) {
            throw new TreeModelException(modelPath + ".tree_info has " + treeInfo.size() + " entries for "
                    + trees.size() + " trees");
        }
        JsonNode param = model.get("gbtree_model_param");
        if (param != null && param.has("num_trees")) {
            int declared = integer(param.get("num_trees"), modelPath + ".gbtree_model_param.num_trees");
            if (declared != trees.size()) {
                throw new TreeModelException(modelPath + ".gbtree_model_param.num_trees is " + declared + " but "
                        + trees.size() + " trees are stored");
            }
        }
        for (int t = 0; t < trees.size(); t++) {
            String treePath = modelPath + ".trees[" + t + "]";
            int group = integer(treeInfo.get(t), modelPath + ".tree_info[" + t + "]");
            if (group < 0 || group >= groups) {
                throw new TreeModelException(modelPath + ".tree_info[" + t + "] is " + group + ", outside the "
                        + groups + " output groups");
            }
            int root = readTree(builder, trees.get(t), numFeature, treePath);
            builder.tree(root, group);
        }
        if (trees.isEmpty()) {
            throw new TreeModelException(modelPath + ".trees is empty");
        }
        builder.description("xgboost " + version(document) + " " + encoding + " " + objective + ", " + trees.size()
                + " trees, " + numFeature + " features");
        return builder.build();
    }

    private static int readTree(TreeEnsemble.Builder builder, JsonNode tree, int numFeature, String path)
            throws TreeModelException {
        if (!tree.isObject()) {
            throw new TreeModelException(path + " is not an object");
        }
        JsonNode treeParam = tree.get("tree_param");
        if (treeParam != null && treeParam.has("size_leaf_vector")) {
            int size = integer(treeParam.get("size_leaf_vector"), path + ".tree_param.size_leaf_vector");
            if (size > 1) {
                throw new TreeModelException(path + ".tree_param.size_leaf_vector is " + size
                        + ": vector-leaf (multi-target) trees are not supported");
            }
        }
        int[] left = ints(array(tree, "left_children", path + ".left_children"), path + ".left_children");
        int n = left.length;
        if (n == 0) {
            throw new TreeModelException(path + ".left_children is empty");
        }
        if (treeParam != null && treeParam.has("num_nodes")) {
            int declared = integer(treeParam.get("num_nodes"), path + ".tree_param.num_nodes");
            if (declared != n) {
                throw new TreeModelException(path + ".tree_param.num_nodes is " + declared + " but left_children has " + n);
            }
        }
        int[] right = ints(sized(tree, "right_children", n, path), path + ".right_children");
        int[] feature = ints(sized(tree, "split_indices", n, path), path + ".split_indices");
        float[] condition = floats(sized(tree, "split_conditions", n, path), path + ".split_conditions");
        int[] defaultLeft = ints(sized(tree, "default_left", n, path), path + ".default_left");
        int[] splitType = tree.has("split_type") ? ints(sized(tree, "split_type", n, path), path + ".split_type") : new int[n];

        int[][] nodeCategories = categories(tree, splitType, path);

        // node ids in the builder, by XGBoost node index; filled walking down from the root
        int[] ref = new int[n];
        boolean[] seen = new boolean[n];
        int[] stack = new int[n];
        int top = 0;
        stack[top++] = 0;
        seen[0] = true;
        while (top > 0) {
            int i = stack[--top];
            if (left[i] == -1) {
                ref[i] = builder.leaf(condition[i]);
                continue;
            }
            String node = path + " node " + i;
            if (feature[i] < 0 || feature[i] >= numFeature) {
                throw new TreeModelException(node + ": split_indices is " + feature[i] + ", outside the "
                        + numFeature + " features (learner_model_param.num_feature)");
            }
            boolean nanLeft = defaultLeft[i] != 0;
            if (splitType[i] == 0) {
                if (!Float.isFinite(condition[i])) {
                    throw new TreeModelException(node + ": split_conditions is " + condition[i] + " for a numeric split");
                }
                ref[i] = builder.numericSplit(feature[i], condition[i], false, nanLeft, false);
            } else if (splitType[i] == 1) {
                if (nodeCategories[i] == null) {
                    throw new TreeModelException(node + " is a categorical split but categories_nodes does not list it");
                }
                ref[i] = builder.categoricalSplit(feature[i], bitset(nodeCategories[i]), false, nanLeft, true);
            } else {
                throw new TreeModelException(node + ": split_type is " + splitType[i] + " (0 numeric, 1 categorical)");
            }
            for (int child : new int[] {left[i], right[i]}) {
                if (child < 0 || child >= n) {
                    throw new TreeModelException(node + ": child " + child + " is outside the tree's " + n + " nodes");
                }
                if (seen[child]) {
                    throw new TreeModelException(node + ": child " + child + " is reached twice (cycle or shared subtree)");
                }
                seen[child] = true;
                stack[top++] = child;
            }
        }
        // children now all have builder refs
        for (int i = 0; i < n; i++) {
            if (seen[i] && left[i] != -1) {
                builder.children(ref[i], ref[left[i]], ref[right[i]]);
            }
        }
        return ref[0];
    }

    /** The category list of every categorical node (null for the others). */
    private static int[][] categories(JsonNode tree, int[] splitType, String path) throws TreeModelException {
        int n = splitType.length;
        int[][] result = new int[n][];
        boolean any = false;
        for (int type : splitType) {
            any |= type == 1;
        }
        if (!any) {
            return result;
        }
        int[] nodes = ints(array(tree, "categories_nodes", path + ".categories_nodes"), path + ".categories_nodes");
        long[] segments = longs(array(tree, "categories_segments", path + ".categories_segments"), path + ".categories_segments");
        long[] sizes = longs(array(tree, "categories_sizes", path + ".categories_sizes"), path + ".categories_sizes");
        int[] categories = ints(array(tree, "categories", path + ".categories"), path + ".categories");
        if (segments.length != nodes.length || sizes.length != nodes.length) {
            throw new TreeModelException(path + ": categories_nodes, categories_segments and categories_sizes differ in length ("
                    + nodes.length + ", " + segments.length + ", " + sizes.length + ")");
        }
        for (int j = 0; j < nodes.length; j++) {
            int node = nodes[j];
            if (node < 0 || node >= n || splitType[node] != 1) {
                throw new TreeModelException(path + ".categories_nodes[" + j + "] is " + node
                        + ", not a categorical split of this tree");
            }
            long begin = segments[j];
            long size = sizes[j];
            if (begin < 0 || size < 0 || begin + size > categories.length) {
                throw new TreeModelException(path + ": categories segment " + j + " [" + begin + ", +" + size
                        + ") is outside categories (" + categories.length + " entries)");
            }
            int[] list = Arrays.copyOfRange(categories, (int) begin, (int) (begin + size));
            for (int c : list) {
                if (c < 0 || c >= MAX_CATEGORY) {
                    throw new TreeModelException(path + ".categories holds " + c + " for node " + node
                            + "; categories must be in [0, 2^24)");
                }
            }
            result[node] = list;
        }
        return result;
    }

    private static int[] bitset(int[] categories) {
        int max = -1;
        for (int c : categories) {
            max = Math.max(max, c);
        }
        int[] words = new int[max / 32 + 1];
        for (int c : categories) {
            words[c >>> 5] |= 1 << (c & 31);
        }
        return words;
    }

    private static void checkTrivialDropWeights(JsonNode booster, String gbPath) throws TreeModelException {
        JsonNode weights = booster.get("weight_drop");
        if (weights == null) {
            return;
        }
        float[] w = floats(weights, gbPath + ".weight_drop");
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 1.0f) {
                throw new TreeModelException(gbPath + ".weight_drop[" + i + "] is " + w[i]
                        + ": dart models are supported only when every tree weight is 1");
            }
        }
    }

    private static void requireSingleGroup(int numClass, String objective, String lmpPath) throws TreeModelException {
        if (numClass > 1) {
            throw new TreeModelException(lmpPath + ".num_class is " + numClass + " for single-output objective " + objective);
        }
    }

    private static float single(float[] baseScore, String lmpPath) throws TreeModelException {
        if (baseScore.length != 1) {
            throw new TreeModelException(lmpPath + ".base_score has " + baseScore.length + " values for a single output");
        }
        return baseScore[0];
    }

    /** {@code "5E-1"}, {@code "[5E-1]"}, {@code "[5E-1,4E-1]"} or a number. */
    private static float[] baseScore(JsonNode node, String path) throws TreeModelException {
        if (node.isNumber()) {
            return new float[] {node.floatValue()};
        }
        String text = text(node, path).trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        String[] parts = text.split(",");
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new TreeModelException(path + " is '" + node.asText() + "', not a number or a list of numbers");
            }
            if (!Float.isFinite(values[i])) {
                throw new TreeModelException(path + " is '" + node.asText() + "', not finite");
            }
        }
        return values;
    }

    private static String version(JsonNode document) {
        JsonNode v = document.get("version");
        if (v == null || !v.isArray()) {
            return "(unknown version)";
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode part : v) {
            s.append(s.isEmpty() ? "" : ".").append(part.asText());
        }
        return s.toString();
    }

    // ---- field access with messages naming the path

    private static JsonNode field(JsonNode parent, String name, String path) throws TreeModelException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new TreeModelException("missing field " + path);
        }
        return node;
    }

    private static JsonNode object(JsonNode parent, String name, String path) throws TreeModelException {
        JsonNode node = field(parent, name, path);
        if (!node.isObject()) {
            throw new TreeModelException(path + " is not an object");
        }
        return node;
    }

    private static JsonNode array(JsonNode parent, String name, String path) throws TreeModelException {
        JsonNode node = field(parent, name, path);
        if (!node.isArray()) {
            throw new TreeModelException(path + " is not an array");
        }
        return node;
    }

    private static JsonNode sized(JsonNode tree, String name, int n, String treePath) throws TreeModelException {
        JsonNode node = array(tree, name, treePath + "." + name);
        if (node.size() != n) {
            throw new TreeModelException(treePath + "." + name + " has " + node.size() + " entries; left_children has " + n);
        }
        return node;
    }

    private static String text(JsonNode node, String path) throws TreeModelException {
        if (!node.isTextual()) {
            throw new TreeModelException(path + " is not a string");
        }
        return node.asText();
    }

    /** An integer written as a number or as a decimal string (learner_model_param holds strings). */
    private static int integer(JsonNode node, String path) throws TreeModelException {
        if (node != null && node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node != null && node.isTextual()) {
            try {
                return Integer.parseInt(node.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new TreeModelException(path + " is " + node + ", not an integer");
    }

    private static int[] ints(JsonNode array, String path) throws TreeModelException {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (v.isBoolean()) {
                values[i] = v.booleanValue() ? 1 : 0;
            } else if (v.isIntegralNumber() && v.canConvertToInt()) {
                values[i] = v.intValue();
            } else {
                throw new TreeModelException(path + "[" + i + "] is " + v + ", not an integer");
            }
        }
        return values;
    }

    private static long[] longs(JsonNode array, String path) throws TreeModelException {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new TreeModelException(path + "[" + i + "] is " + v + ", not an integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static float[] floats(JsonNode array, String path) throws TreeModelException {
        if (!array.isArray()) {
            throw new TreeModelException(path + " is not an array");
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isNumber()) {
                throw new TreeModelException(path + "[" + i + "] is " + v + ", not a number");
            }
            values[i] = v.floatValue();
        }
        return values;
    }
}
