package dev.tutti.trainer.family;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gradient-boosted trees, and random forests ({@code boosting=rf}), with LightGBM's own library
 * (one thread, {@code deterministic=true}), saved as LightGBM text, which Tutti's Java tree
 * evaluator serves. Like {@link XGBoostFamily} the model takes raw schema rows; categorical
 * features are LightGBM categorical features ({@code categorical=native}) or ordinal codes.
 *
 * <p>Recipe parameters: {@code boosting} ({@code gbdt} or {@code rf}), {@code leaves},
 * {@code learningRate}, {@code rounds}, {@code featureFraction}, {@code baggingFraction},
 * {@code minDataInLeaf}, {@code categorical}.
 */
public final class LightGbmFamily implements MemberFamily {
    public static final String NAME = "lightgbm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FittedModel fit(Dataset data, int[] rows, MemberRecipe recipe, long seed) throws TrainingException {
        LightGbmNative.load();
        boolean nativeCategories = recipe.text("categorical").equals("native");
        String params = params(data.schema(), recipe, seed, nativeCategories);
        int width = data.width();
        SWIGTYPE_p_void dataset = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment matrix = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data.rows(rows));
            MemorySegment labels = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data.targets(rows));
            SWIGTYPE_p_p_void datasetOut = lightgbmlib.voidpp_handle();
            LightGbmNative.check(lightgbmlib.LGBM_DatasetCreateFromMat(new LightGbmNative.Pointer(matrix),
                    lightgbmlibConstants.C_API_DTYPE_FLOAT32, rows.length, width, 1, params, null, datasetOut), "DatasetCreateFromMat");
            dataset = lightgbmlib.voidpp_value(datasetOut);
            LightGbmNative.check(lightgbmlib.LGBM_DatasetSetField(dataset, "label", new LightGbmNative.Pointer(labels), rows.length,
                    lightgbmlibConstants.C_API_DTYPE_FLOAT32), "DatasetSetField");
            SWIGTYPE_p_p_void boosterOut = lightgbmlib.voidpp_handle();
            LightGbmNative.check(lightgbmlib.LGBM_BoosterCreate(dataset, params, boosterOut), "BoosterCreate");
            SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(boosterOut);
            SWIGTYPE_p_int finished = lightgbmlib.new_intp();
            try {
                for (int i = 0; i < recipe.integer("rounds"); i++) {
                    LightGbmNative.check(lightgbmlib.LGBM_BoosterUpdateOneIter(booster, finished), "BoosterUpdateOneIter");
                    if (lightgbmlib.intp_value(finished) == 1) {
                        break; // no split improves any more
                    }
                }
            } catch (IllegalStateException e) {
                lightgbmlib.LGBM_BoosterFree(booster);
                throw e;
            } finally {
                lightgbmlib.delete_intp(finished);
            }
            return new Fitted(booster, data.schema(), nativeCategories);
        } catch (IllegalStateException e) {
            throw new TrainingException("lightgbm refused member " + recipe.id() + ": " + e.getMessage(), e);
        } finally {
            if (dataset != null) {
                lightgbmlib.LGBM_DatasetFree(dataset);
            }
        }
    }

    static String params(TableSchema schema, MemberRecipe recipe, long seed, boolean nativeCategories) {
        List<String> p = new ArrayList<>();
        switch (schema.task()) {
            case BINARY -> p.add("objective=binary");
            case MULTICLASS -> {
                p.add("objective=multiclass");
                p.add("num_class=" + schema.classes().size());
            }
            case REGRESSION -> p.add("objective=regression");
        }
        p.add("boosting=" + recipe.text("boosting"));
        p.add("num_leaves=" + recipe.integer("leaves"));
        p.add("learning_rate=" + recipe.number("learningRate"));
        p.add("feature_fraction=" + recipe.number("featureFraction"));
        double bagging = recipe.number("baggingFraction");
        p.add("bagging_fraction=" + bagging);
        p.add("bagging_freq=" + (bagging < 1 ? 1 : 0));
        p.add("min_data_in_leaf=" + recipe.integer("minDataInLeaf"));
        p.add("num_threads=1");
        p.add("deterministic=true");
        p.add("force_row_wise=true");
        p.add("verbose=-1");
        p.add("seed=" + seed);
        InputSchema features = schema.features();
        List<String> categorical = new ArrayList<>();
        for (int f = 0; f < features.width(); f++) {
            if (features.feature(f).isCategorical()) {
                categorical.add(Integer.toString(f));
            }
        }
        if (nativeCategories && !categorical.isEmpty()) {
            p.add("categorical_feature=" + String.join(",", categorical));
        }
        return String.join(" ", p);
    }

    private static final class Fitted implements FittedModel {
        private final SWIGTYPE_p_void booster;
        private final TableSchema schema;
        private final boolean nativeCategories;
        private boolean closed;

        Fitted(SWIGTYPE_p_void booster, TableSchema schema, boolean nativeCategories) {
            this.booster = booster;
            this.schema = schema;
            this.nativeCategories = nativeCategories;
        }

        @Override
        public double[] predict(Dataset data, int[] rows) {
            int outputs = schema.outputs();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment input = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data.rows(rows));
                MemorySegment result = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) rows.length * outputs);
                SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
                try {
                    LightGbmNative.check(lightgbmlib.LGBM_BoosterPredictForMat(booster, new LightGbmNative.Pointer(input),
                            lightgbmlibConstants.C_API_DTYPE_FLOAT32, rows.length, data.width(), 1,
                            lightgbmlibConstants.C_API_PREDICT_NORMAL, 0, -1, "num_threads=1", length,
                            new LightGbmNative.Doubles(result)), "BoosterPredictForMat");
                } finally {
                    lightgbmlib.delete_int64_tp(length);
                }
                return result.toArray(ValueLayout.JAVA_DOUBLE);
            }
        }

        @Override
        public Artifact save(Path directory) throws IOException {
            Path file = directory.resolve("model.txt");
            try {
                LightGbmNative.check(lightgbmlib.LGBM_BoosterSaveModel(booster, 0, -1, 0, file.toString()), "BoosterSaveModel");
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
            return new Artifact(file.getFileName().toString(), ModelFormats.LIGHTGBM_TEXT, Map.of(),
                    Map.of("numeric", "raw (missing: LightGBM's missing-value handling)",
                            "categorical", nativeCategories ? "LightGBM categorical features (label codes)" : "ordinal label codes"));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                lightgbmlib.LGBM_BoosterFree(booster);
            }
        }
    }
}
