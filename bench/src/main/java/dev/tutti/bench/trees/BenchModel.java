package dev.tutti.bench.trees;

import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A model of the tree benchmarks and the rows it is scored on: {@link #ROWS} rows drawn at random
 * (seeded) from the full shared dataset it was trained on, encoded as its schema says (category
 * codes in label order, NaN for missing). The fixture models are the golden XGBoost and LightGBM
 * members (one per dataset and library); the larger ones are {@link LargeTreeModels}.
 *
 * @param library {@code xgboost} or {@code lightgbm}
 */
record BenchModel(String name, String library, ModelSpec spec, float[] rows) {
    static final int ROWS = 4096;

    /** Benchmark model names: the fixture models, then the larger ones. */
    static final List<String> NAMES = List.of(
            "spam-xgboost", "spam-lightgbm", "telco-xgboost", "telco-lightgbm", "letters-xgboost", "letters-lightgbm",
            "diamonds-xgboost", "diamonds-lightgbm", "xgb-300-d6", "xgb-500-d8", "lgbm-300-l63");

    private static final Map<String, String[]> DATASETS = Map.of(
            "spam", new String[] {"spam.csv", "type"},
            "telco", new String[] {"telco_churn.csv", "churn"},
            "letters", new String[] {"letters.csv", "lettr"},
            "diamonds", new String[] {"diamonds.csv", "price"});

    int width() {
        return spec.schema().width();
    }

    boolean isXGBoost() {
        return library.equals("xgboost");
    }

    /** Loads a model by one of the {@link #NAMES}; the larger models are trained on first use. */
    static BenchModel named(String name) {
        return switch (name) {
            case "xgb-300-d6" -> large(name, LargeTreeModels.XGB_300_DEPTH6);
            case "xgb-500-d8" -> large(name, LargeTreeModels.XGB_500_DEPTH8);
            case "lgbm-300-l63" -> large(name, LargeTreeModels.LGBM_300_LEAVES63);
            default -> fixture(name);
        };
    }

    private static BenchModel fixture(String name) {
        int dash = name.indexOf('-');
        String dataset = name.substring(0, dash);
        String library = name.substring(dash + 1);
        String[] source = DATASETS.get(dataset);
        if (source == null || !(library.equals("xgboost") || library.equals("lightgbm"))) {
            throw new IllegalArgumentException("no benchmark model " + name + "; known: " + NAMES);
        }
        ModelSpec spec = GoldenSet.load(dataset).member(library);
        SharedDataset data = SharedDataset.load(source[0], source[1]);
        if (data.width() != spec.schema().width()) {
            throw new IllegalStateException(source[0] + " has " + data.width() + " features, the " + name + " schema "
                    + spec.schema().width());
        }
        return new BenchModel(name, library, spec, sample(data));
    }

    private static BenchModel large(String name, LargeTreeModels model) {
        SharedDataset data = SharedDataset.load(LargeTreeModels.DATASET, LargeTreeModels.LABEL);
        List<FeatureSpec> features = new ArrayList<>();
        for (String feature : data.features()) {
            features.add(FeatureSpec.numeric(feature, true));
        }
        Path file = model.path();
        try {
            ModelSpec spec = new ModelSpec(name, 1, model.format(), file, Artifacts.sha256(file), new InputSchema(features),
                    Task.REGRESSION, 0, Map.of());
            return new BenchModel(name, model.isXGBoost() ? "xgboost" : "lightgbm", spec, sample(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #ROWS} rows drawn without replacement (seed 1), or all rows of a smaller dataset, repeated. */
    private static float[] sample(SharedDataset data) {
        int width = data.width();
        int total = data.rowCount();
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Random random = new Random(1);
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[] rows = new float[ROWS * width];
        for (int r = 0; r < ROWS; r++) {
            System.arraycopy(data.rows(), order[r % total] * width, rows, r * width, width);
        }
        return rows;
    }

    /** The same member with option {@code algorithm} set. */
    ModelSpec withAlgorithm(String algorithm) {
        return new ModelSpec(spec.name(), spec.version(), spec.format(), spec.artifact(), spec.sha256(), spec.schema(),
                spec.task(), spec.classes(), Map.of("algorithm", algorithm));
    }
}
