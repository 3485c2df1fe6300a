package dev.tutti.bench.trees;

import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The larger benchmark models, trained on {@code ../shared/datasets/diamonds.csv} (53,940 rows, 9
 * features, price as a regression target; cut, color and clarity coded by label order) with the
 * libraries themselves, single-threaded and seeded, so every run trains the same trees. Trained on
 * first use into {@code bench/target/tree-models/} and reused from there (about 10 s in all);
 * {@code java -cp bench/target/benchmarks.jar dev.tutti.bench.trees.LargeTreeModels} trains them
 * ahead of a run.
 *
 * <p>Threads: {@link #path} is synchronized.
 */
enum LargeTreeModels {
    /** XGBoost 3.0.4, reg:squarederror, 300 trees of depth 6 (the 300-tree depth-6 target). */
    XGB_300_DEPTH6("xgboost", 300, "xgb-300-d6.json"),
    /** XGBoost 3.0.4, reg:squarederror, 500 trees of depth 8. */
    XGB_500_DEPTH8("xgboost", 500, "xgb-500-d8.json"),
    /** LightGBM 3.3.5, regression, 300 trees of at most 63 leaves and depth 8 (leaf-wise growth). */
    LGBM_300_LEAVES63("lightgbm", 300, "lgbm-300-l63.txt");

    static final String DATASET = "diamonds.csv";
    static final String LABEL = "price";

    private final String library;
    private final int trees;
    private final String file;

    LargeTreeModels(String library, int trees, String file) {
        this.library = library;
        this.trees = trees;
        this.file = file;
    }

    /** {@code xgboost-json} or {@code lightgbm-text}. */
    String format() {
        return library.equals("xgboost") ? "xgboost-json" : "lightgbm-text";
    }

    boolean isXGBoost() {
        return library.equals("xgboost");
    }

    int trees() {
        return trees;
    }

    /** The model file, trained now when it is not there yet. */
    synchronized Path path() {
        Path target = GoldenSet.repoRoot().resolve("bench").resolve("target").resolve("tree-models").resolve(file);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(file + ".partial");
            train(SharedDataset.load(DATASET, LABEL), partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void train(SharedDataset data, Path out) {
        switch (this) {
            case XGB_300_DEPTH6 -> trainXGBoost(data, 6, out);
            case XGB_500_DEPTH8 -> trainXGBoost(data, 8, out);
            case LGBM_300_LEAVES63 -> LightGbmLibrary.train(data, "objective=regression num_leaves=63 max_depth=8"
                    + " learning_rate=0.05 num_threads=1 seed=7 deterministic=true force_row_wise=true verbose=-1", trees, out);
        }
    }

    private void trainXGBoost(SharedDataset data, int depth, Path out) {
        try {
            DMatrix train = new DMatrix(data.rows(), data.rowCount(), data.width(), Float.NaN);
            train.setLabel(data.labels());
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "reg:squarederror");
            params.put("max_depth", depth);
            params.put("eta", 0.05);
            params.put("subsample", 0.8);
            params.put("tree_method", "hist");
            params.put("nthread", 1);
            params.put("seed", 7);
            Booster booster = XGBoost.train(train, params, trees, new HashMap<>(), null, null);
            booster.saveModel(out.toString() + ".json");
            Files.move(Path.of(out + ".json"), out, StandardCopyOption.REPLACE_EXISTING);
            booster.dispose();
            train.dispose();
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("training " + this + ": " + e.getMessage(), e);
        }
    }

    /** Trains every model that is not there yet and prints where they are. */
    public static void main(String[] args) {
        for (LargeTreeModels model : values()) {
            System.out.println(model + ": " + model.path());
        }
    }
}
