package dev.tutti.bench.trees;

import com.microsoft.ml.lightgbm.lightgbmlib;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Writes the random-forest test fixtures of the tree evaluator
 * ({@code cpu-fallback/src/test/java/dev/tutti/cpu/tree/ForestFixtures.java}): small forests trained
 * on {@code ../shared/datasets/credit.csv} (13 features, 4 categorical, missing values) by the
 * libraries' own random-forest modes, and their predictions on 40 rows (every fourth with two more
 * cells set missing):
 *
 * <ul>
 *   <li>XGBoost 3.0.4 (XGBoost4J), {@code num_parallel_tree=8}, one round, {@code eta=1},
 *       row and column subsampling, categorical splits: binary ({@code Status}) and multiclass
 *       ({@code Job}, 4 classes, 2 rounds of 3 parallel trees);
 *   <li>LightGBM 3.3.5 (lightgbmlib), {@code boosting=rf}: multiclass ({@code Job}), 3 iterations.
 * </ul>
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.tutti.bench.trees.ForestFixtureGenerator
 * cpu-fallback/src/test/java/dev/tutti/cpu/tree/ForestFixtures.java}. Training is seeded and
 * single-threaded; the output is the same from run to run.
 */
public final class ForestFixtureGenerator {
    private static final int ROWS = 40;

    private ForestFixtureGenerator() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "ForestFixtures.java");
        SharedDataset status = SharedDataset.load("credit.csv", "Status");
        SharedDataset job = SharedDataset.load("credit.csv", "Job");
        StringBuilder java = new StringBuilder();
        java.append("""
                package dev.tutti.cpu.tree;

                /**
                 * Random forests trained by the libraries' own random-forest modes on credit.csv, with their
                 * predictions: written by {@code dev.tutti.bench.trees.ForestFixtureGenerator} (bench module), which
                 * says how they were trained. Do not edit by hand.
                 */
                final class ForestFixtures {
                    private ForestFixtures() {}

                """);
        float[][] binaryRows = probeRows(status);
        float[][] multiRows = probeRows(job);
        rows(java, "BINARY_ROWS", binaryRows);
        rows(java, "MULTI_ROWS", multiRows);

        Map<String, Object> binary = xgbParams(8, 3);
        binary.put("objective", "binary:logistic");
        xgboost(java, "XGB_RF_BINARY", status, new int[] {1, 4, 5, 6}, binary, 1, binaryRows);

        Map<String, Object> multi = xgbParams(3, 2);
        multi.put("objective", "multi:softprob");
        multi.put("num_class", 4);
        xgboost(java, "XGB_RF_MULTI", withoutMissingLabels(job), new int[] {0, 2, 5, 6}, multi, 2, multiRows);

        lightgbm(java, "LGB_RF_MULTI", withoutMissingLabels(job), "boosting=rf objective=multiclass num_class=4 num_leaves=6"
                + " bagging_fraction=0.7 bagging_freq=1 feature_fraction=0.8 categorical_feature=0,2,5,6 min_data_in_leaf=20"
                + " num_threads=1 seed=3 deterministic=true verbose=-1", 3, multiRows);
        java.append("}\n");
        Files.writeString(out, java);
        System.out.println("wrote " + out);
    }

    private static Map<String, Object> xgbParams(int parallelTrees, int depth) {
        Map<String, Object> params = new TreeMap<>();
        params.put("num_parallel_tree", parallelTrees);
        params.put("eta", 1.0);
        params.put("subsample", 0.8);
        params.put("colsample_bynode", 0.8);
        params.put("max_depth", depth);
        params.put("tree_method", "hist");
        params.put("max_cat_to_onehot", 1);
        params.put("nthread", 1);
        params.put("seed", 11);
        return params;
    }

    /** Rows with a label, labels recoded 0..K-1 in the order of the dataset's codes (NaN labels dropped). */
    private static SharedDataset withoutMissingLabels(SharedDataset data) {
        List<Integer> keep = new ArrayList<>();
        for (int r = 0; r < data.rowCount(); r++) {
            if (!Float.isNaN(data.labels()[r])) {
                keep.add(r);
            }
        }
        int w = data.width();
        float[] rows = new float[keep.size() * w];
        float[] labels = new float[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            System.arraycopy(data.rows(), keep.get(i) * w, rows, i * w, w);
            labels[i] = data.labels()[keep.get(i)];
        }
        return new SharedDataset(data.name(), data.features(), rows, labels);
    }

    /** The first rows of the dataset; every fourth gets two more missing cells. */
    private static float[][] probeRows(SharedDataset data) {
        int w = data.width();
        float[][] rows = new float[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            rows[r] = new float[w];
            System.arraycopy(data.rows(), r * w, rows[r], 0, w);
            if (r % 4 == 3) {
                rows[r][r % w] = Float.NaN;
                rows[r][(r * 7 + 3) % w] = Float.NaN;
            }
        }
        return rows;
    }

    private static float[] flat(float[][] rows) {
        int w = rows[0].length;
        float[] out = new float[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * w, w);
        }
        return out;
    }

    private static void xgboost(StringBuilder java, String name, SharedDataset data, int[] categorical, Map<String, Object> params,
            int rounds, float[][] probe) throws XGBoostError, IOException {
        DMatrix train = new DMatrix(data.rows(), data.rowCount(), data.width(), Float.NaN);
        train.setLabel(data.labels());
        train.setFeatureTypes(types(data.width(), categorical));
        Booster booster = XGBoost.train(train, params, rounds, new HashMap<>(), null, null);
        Path file = Files.createTempFile("forest", ".json");
        booster.saveModel(file.toString());
        String json = Files.readString(file);
        Files.delete(file);
        DMatrix rows = new DMatrix(flat(probe), probe.length, data.width(), Float.NaN);
        rows.setFeatureTypes(types(data.width(), categorical));
        float[][] margins = booster.predict(rows, true);
        float[][] predictions = booster.predict(rows);
        java.append("    /** XGBoost 3.0.4 random forest: ").append(params).append(", ").append(rounds).append(" round(s). */\n");
        java.append("    static final String ").append(name).append(" = \"\"\"\n").append(wrap(breakJson(json)))
                .append("            \"\"\";\n\n");
        floats(java, name + "_MARGINS", margins);
        floats(java, name + "_PREDICTIONS", predictions);
        booster.dispose();
        train.dispose();
        rows.dispose();
    }

    private static String[] types(int width, int[] categorical) {
        String[] types = new String[width];
        java.util.Arrays.fill(types, "q");
        for (int c : categorical) {
            types[c] = "c";
        }
        return types;
    }

    private static void lightgbm(StringBuilder java, String name, SharedDataset data, String params, int iterations, float[][] probe)
            throws IOException {
        Path file = Files.createTempFile("forest", ".txt");
        LightGbmLibrary.train(data, params, iterations, file);
        String text = Files.readString(file);
        try (LightGbmLibrary.Predictor predictor = new LightGbmLibrary.Predictor(file, data.width(), probe.length)) {
            float[] rows = flat(probe);
            predictor.predict(rows, 0, probe.length);
            double[][] predictions = new double[probe.length][predictor.outputs()];
            for (int r = 0; r < probe.length; r++) {
                for (int o = 0; o < predictor.outputs(); o++) {
                    predictions[r][o] = predictor.result(r, o);
                }
            }
            java.append("    /** LightGBM 3.3.5 random forest: ").append(params).append(", ").append(iterations)
                    .append(" iterations. */\n");
            java.append("    static final String ").append(name).append(" = \"\"\"\n").append(wrap(text)).append("            \"\"\";\n\n");
            doubles(java, name + "_PREDICTIONS", predictions);
        }
        Files.delete(file);
        lightgbmlib.class.getName();
    }

    /** The JSON with a line break after a comma outside strings once a line passes 100 characters. */
    private static String breakJson(String json) {
        StringBuilder s = new StringBuilder();
        boolean inString = false;
        int lineStart = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            s.append(c);
            if (c == '"' && (i == 0 || json.charAt(i - 1) != '\\')) {
                inString = !inString;
            } else if (c == ',' && !inString && s.length() - lineStart > 100) {
                s.append('\n');
                lineStart = s.length();
            }
        }
        return s.toString();
    }

    /** Text-block lines, indented; backslashes and triple quotes cannot occur in these files. */
    private static String wrap(String text) {
        StringBuilder s = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                s.append("            ").append(line.replace("\\", "\\\\")).append('\n');
            }
        }
        return s.toString();
    }

    private static void rows(StringBuilder java, String name, float[][] rows) {
        java.append("    static final float[][] ").append(name).append(" = {\n");
        for (float[] row : rows) {
            java.append("        {");
            for (int i = 0; i < row.length; i++) {
                java.append(i == 0 ? "" : ", ").append(Float.isNaN(row[i]) ? "Float.NaN" : row[i] + "f");
            }
            java.append("},\n");
        }
        java.append("    };\n\n");
    }

    private static void floats(StringBuilder java, String name, float[][] values) {
        java.append("    static final float[][] ").append(name).append(" = {\n");
        for (float[] row : values) {
            java.append("        {");
            for (int i = 0; i < row.length; i++) {
                java.append(i == 0 ? "" : ", ").append(Float.toHexString(row[i])).append('f');
            }
            java.append("},\n");
        }
        java.append("    };\n\n");
    }

    private static void doubles(StringBuilder java, String name, double[][] values) {
        java.append("    static final double[][] ").append(name).append(" = {\n");
        for (double[] row : values) {
            java.append("        {");
            for (int i = 0; i < row.length; i++) {
                java.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.17g", row[i]));
            }
            java.append("},\n");
        }
        java.append("    };\n\n");
    }
}
