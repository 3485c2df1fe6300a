package dev.tutti.trainer.family;

import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees with XGBoost4J ({@code hist}, one thread), saved as XGBoost JSON, which
 * Tutti's Java tree evaluator serves. The model takes the raw schema rows: numbers as they are,
 * missing values as NaN (each split's default direction), categorical features either as native
 * categorical splits ({@code categorical=native}: the DMatrix marks them {@code c}) or as their
 * ordinal codes ({@code categorical=ordinal}).
 *
 * <p>Recipe parameters: {@code depth}, {@code learningRate}, {@code rounds}, {@code subsample},
 * {@code colsample}, {@code minChildWeight}, {@code categorical}.
 */
public final class XGBoostFamily implements MemberFamily {
    public static final String NAME = "xgboost";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FittedModel fit(Dataset data, int[] rows, MemberRecipe recipe, long seed) throws TrainingException {
        boolean nativeCategories = recipe.text("categorical").equals("native");
        Map<String, Object> params = new LinkedHashMap<>(objective(data.schema()));
        params.put("booster", "gbtree");
        params.put("tree_method", "hist");
        params.put("max_depth", recipe.integer("depth"));
        params.put("eta", recipe.number("learningRate"));
        params.put("subsample", recipe.number("subsample"));
        params.put("colsample_bytree", recipe.number("colsample"));
        params.put("min_child_weight", recipe.number("minChildWeight"));
        params.put("nthread", 1);
        params.put("seed", seed);
        params.put("verbosity", 0);
        DMatrix train = null;
        try {
            train = matrix(data, rows, nativeCategories);
            train.setLabel(data.targets(rows));
            Booster booster = XGBoost.train(train, params, recipe.integer("rounds"), Map.of(), null, null);
            return new Fitted(booster, data.schema(), nativeCategories);
        } catch (XGBoostError e) {
            throw new TrainingException("xgboost refused member " + recipe.id() + ": " + e.getMessage(), e);
        } finally {
            if (train != null) {
                train.dispose();
            }
        }
    }

    /** XGBoost's objective for the task (probabilities out, as serving expects). */
    static Map<String, Object> objective(TableSchema schema) {
        Map<String, Object> params = new LinkedHashMap<>();
        switch (schema.task()) {
            case BINARY -> params.put("objective", "binary:logistic");
            case MULTICLASS -> {
                params.put("objective", "multi:softprob");
                params.put("num_class", schema.classes().size());
            }
            case REGRESSION -> params.put("objective", "reg:squarederror");
        }
        return params;
    }

    static DMatrix matrix(Dataset data, int[] rows, boolean nativeCategories) throws XGBoostError {
        DMatrix matrix = new DMatrix(data.rows(rows), rows.length, data.width(), Float.NaN);
        if (nativeCategories) {
            InputSchema schema = data.schema().features();
            String[] types = new String[schema.width()];
            for (int f = 0; f < types.length; f++) {
                types[f] = schema.feature(f).isCategorical() ? "c" : "q";
            }
            matrix.setFeatureTypes(types);
        }
        return matrix;
    }

    /** Predictions of an XGBoost booster as rows x outputs doubles. */
    static double[] flatten(float[][] predictions, int outputs) {
        double[] out = new double[predictions.length * outputs];
        for (int r = 0; r < predictions.length; r++) {
            for (int o = 0; o < outputs; o++) {
                out[r * outputs + o] = predictions[r][o];
            }
        }
        return out;
    }

    private static final class Fitted implements FittedModel {
        private final Booster booster;
        private final TableSchema schema;
        private final boolean nativeCategories;

        Fitted(Booster booster, TableSchema schema, boolean nativeCategories) {
            this.booster = booster;
            this.schema = schema;
            this.nativeCategories = nativeCategories;
        }

        @Override
        public double[] predict(Dataset data, int[] rows) {
            DMatrix matrix = null;
            try {
                matrix = matrix(data, rows, nativeCategories);
                return flatten(booster.predict(matrix), schema.outputs());
            } catch (XGBoostError e) {
                throw new IllegalStateException("xgboost failed to predict: " + e.getMessage(), e);
            } finally {
                if (matrix != null) {
                    matrix.dispose();
                }
            }
        }

        @Override
        public Artifact save(Path directory) throws IOException {
            Path file = directory.resolve("model.json");
            try (OutputStream out = Files.newOutputStream(file)) {
                booster.saveModel(out, "json");
            } catch (XGBoostError e) {
                throw new IOException("xgboost cannot save its model: " + e.getMessage(), e);
            }
            return new Artifact(file.getFileName().toString(), ModelFormats.XGBOOST_JSON, Map.of(),
                    Map.of("numeric", "raw (missing: each split's default direction)",
                            "categorical", nativeCategories ? "native categorical splits on the label codes" : "ordinal label codes"));
        }

        @Override
        public void close() {
            booster.dispose();
        }
    }
}
