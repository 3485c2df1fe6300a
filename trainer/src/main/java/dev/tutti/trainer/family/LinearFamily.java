package dev.tutti.trainer.family;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.data.Design;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Penalised logistic, softmax and linear regression: XGBoost's linear booster ({@code gblinear},
 * cyclic coordinate descent, one thread: deterministic) fitted on the {@link Design} matrix
 * (standardised numbers, one-hot labels), its weights then written as Tutti's linear JSON
 * ({@code linear-json}, docs/formats.md), where the same standardisation, mean imputation and
 * per-label coefficients are terms of the model: the served member takes raw rows.
 *
 * <p>Recipe parameters: {@code lambda} (L2), {@code alpha} (L1), {@code rounds},
 * {@code learningRate}. XGBoost scales both penalties by the number of rows, so they act on the
 * mean loss: {@code lambda = 1e-4} on 7,000 rows is about scikit-learn's {@code C = 1}.
 */
public final class LinearFamily implements MemberFamily {
    public static final String NAME = "linear";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FittedModel fit(Dataset data, int[] rows, MemberRecipe recipe, long seed) throws TrainingException {
        Design design = Design.fit(data, rows);
        Map<String, Object> params = new LinkedHashMap<>(XGBoostFamily.objective(data.schema()));
        params.put("booster", "gblinear");
        params.put("updater", "coord_descent");
        params.put("feature_selector", "cyclic");
        params.put("lambda", recipe.number("lambda"));
        params.put("alpha", recipe.number("alpha"));
        params.put("eta", recipe.number("learningRate"));
        params.put("nthread", 1);
        params.put("seed", seed);
        params.put("verbosity", 0);
        DMatrix train = null;
        try {
            train = new DMatrix(design.encode(data, rows), rows.length, design.width(), Float.NaN);
            train.setLabel(data.targets(rows));
            Booster booster = XGBoost.train(train, params, recipe.integer("rounds"), Map.of(), null, null);
            return new Fitted(booster, design, data.schema());
        } catch (XGBoostError e) {
            throw new TrainingException("xgboost (gblinear) refused member " + recipe.id() + ": " + e.getMessage(), e);
        } finally {
            if (train != null) {
                train.dispose();
            }
        }
    }

    private static final class Fitted implements FittedModel {
        private final Booster booster;
        private final Design design;
        private final TableSchema schema;

        Fitted(Booster booster, Design design, TableSchema schema) {
            this.booster = booster;
            this.design = design;
            this.schema = schema;
        }

        @Override
        public double[] predict(Dataset data, int[] rows) {
            DMatrix matrix = null;
            try {
                matrix = new DMatrix(design.encode(data, rows), rows.length, design.width(), Float.NaN);
                return XGBoostFamily.flatten(booster.predict(matrix), schema.outputs());
            } catch (XGBoostError e) {
                throw new IllegalStateException("xgboost (gblinear) failed to predict: " + e.getMessage(), e);
            } finally {
                if (matrix != null) {
                    matrix.dispose();
                }
            }
        }

        @Override
        public Artifact save(Path directory) throws IOException {
            Path file = directory.resolve("model.json");
            JSON.writeValue(file.toFile(), toLinearJson());
            return new Artifact(file.getFileName().toString(), ModelFormats.LINEAR_JSON, Map.of(),
                    Map.of("numeric", "standardised with the training mean and std; missing = the mean",
                            "categorical", "one-hot (missing or unknown label: no term)"));
        }

        /** The booster's weights as linear JSON: weight of design column j for output g at {@code weights[j * G + g]}, biases last. */
        private ObjectNode toLinearJson() throws IOException {
            JsonNode model;
            try {
                model = JSON.readTree(booster.toByteArray("json"));
            } catch (XGBoostError e) {
                throw new IOException("xgboost cannot serialise its linear model: " + e.getMessage(), e);
            }
            JsonNode weights = model.at("/learner/gradient_booster/model/weights");
            int groups = schema.outputs();
            if (!weights.isArray() || weights.size() != (design.width() + 1) * groups) {
                throw new IOException("unexpected gblinear weights: " + weights.size() + " values for " + design.width()
                        + " columns and " + groups + " outputs");
            }
            double[] base = baseMargins(model.at("/learner/learner_model_param/base_score").asText(), groups);
            ObjectNode out = JSON.createObjectNode();
            out.put("format", "tutti-linear");
            out.put("formatVersion", 1);
            out.put("task", schema.task().name().toLowerCase(Locale.ROOT));
            out.put("link", switch (schema.task()) {
                case BINARY -> "logistic";
                case MULTICLASS -> "softmax";
                case REGRESSION -> "identity";
            });
            ArrayNode intercept = out.putArray("intercept");
            for (int g = 0; g < groups; g++) {
                intercept.add(weights.get(design.width() * groups + g).asDouble() + base[g]);
            }
            ArrayNode features = out.putArray("features");
            int[] numeric = design.numericFeatures();
            for (int i = 0; i < numeric.length; i++) {
                ObjectNode term = features.addObject();
                term.put("name", design.schema().feature(numeric[i]).name());
                term.put("type", "numeric");
                term.put("transform", "identity");
                term.put("impute", (double) design.mean(i));
                term.put("center", (double) design.mean(i));
                term.put("scale", 1.0 / design.inverseStd(i));
                ArrayNode coef = term.putArray("coef");
                for (int g = 0; g < groups; g++) {
                    coef.add(weights.get(i * groups + g).asDouble());
                }
            }
            int column = numeric.length;
            for (int f : design.categoricalFeatures()) {
                FeatureSpec feature = design.feature(f);
                ObjectNode term = features.addObject();
                term.put("name", feature.name());
                term.put("type", "categorical");
                ArrayNode categories = term.putArray("categories");
                ArrayNode coef = term.putArray("coef");
                for (String label : feature.categories()) {
                    categories.add(label);
                    ArrayNode row = coef.addArray();
                    for (int g = 0; g < groups; g++) {
                        row.add(weights.get(column * groups + g).asDouble());
                    }
                    column++;
                }
            }
            return out;
        }

        /** The margin XGBoost starts every row at: base_score through the objective's inverse link. */
        private double[] baseMargins(String text, int groups) throws IOException {
            String[] parts = text.replace("[", "").replace("]", "").split(",");
            double[] margins = new double[groups];
            for (int g = 0; g < groups; g++) {
                float p = Float.parseFloat(parts[parts.length == groups ? g : 0].trim());
                margins[g] = schema.task() == Task.BINARY ? -Math.log(1.0f / p - 1.0f) : p;
            }
            if (parts.length != 1 && parts.length != groups) {
                throw new IOException("unexpected gblinear base_score " + text);
            }
            return margins;
        }

        @Override
        public void close() {
            booster.dispose();
        }
    }
}
