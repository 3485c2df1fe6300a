package dev.tutti.cpu.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linear JSON format on hand-computed cases for each task, and its refusals. */
class LinearModelTest {
    private static final InputSchema SCHEMA = new InputSchema(List.of(
            FeatureSpec.numeric("x", true),
            FeatureSpec.categorical("colour", List.of("red", "green", "blue"), true)));

    private static LinearModel read(Path dir, String json) throws Exception {
        Path file = dir.resolve("model.json");
        Files.writeString(file, json);
        return LinearModel.read(file, SCHEMA);
    }

    private static double[] predict(LinearModel model, float x, float colour) {
        double[] eta = new double[model.outputs()];
        model.predict(FloatBuffer.wrap(new float[] {x, colour}), 0, eta);
        return eta;
    }

    @Test
    void shouldComputeARegressionWithImputationAndCategoriesMatchedByLabel(@TempDir Path dir) throws Exception {
        // categories listed in another order than the schema's: matched by label
        LinearModel model = read(dir, """
                {"format": "tutti-linear", "formatVersion": 1, "task": "regression", "link": "identity",
                 "intercept": [10],
                 "features": [
                   {"name": "x", "type": "numeric", "transform": "log1p", "impute": 1.0, "center": 0.5, "scale": 2, "coef": [4]},
                   {"name": "colour", "type": "categorical", "categories": ["blue", "red"], "coef": [[-3], [7]]}]}""");
        // x = e - 1: log1p = 1, z = (1 - 0.5) / 2 = 0.25, 4 * 0.25 = 1; red (schema code 0) -> +7: 10 + 1 + 7 = 18
        assertThat(predict(model, (float) (Math.E - 1), 0)[0]).isCloseTo(18, offset(1e-6));
        // missing x -> impute 1.0 (in transformed space) -> +1; green is not in the model -> +0: 11
        assertThat(predict(model, Float.NaN, 1)[0]).isCloseTo(11, offset(1e-12));
        // blue (code 2) -> -3; missing colour -> +0
        assertThat(predict(model, Float.NaN, 2)[0]).isCloseTo(8, offset(1e-12));
        assertThat(predict(model, Float.NaN, Float.NaN)[0]).isCloseTo(11, offset(1e-12));
    }

    @Test
    void shouldComputeMulticlassSoftmax(@TempDir Path dir) throws Exception {
        LinearModel model = read(dir, """
                {"format": "tutti-linear", "formatVersion": 1, "task": "multiclass", "link": "softmax",
                 "intercept": [0, 1, 2],
                 "features": [{"name": "x", "type": "numeric", "coef": [1, 0, -1]}]}""");
        // x = 1: eta = (1, 1, 1): uniform
        double[] p = predict(model, 1, 0);
        assertThat(p).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, offset(1e-12));
        // x = 0: eta = (0, 1, 2): softmax
        p = predict(model, 0, 0);
        double z = 1 + Math.E + Math.E * Math.E;
        assertThat(p).containsExactly(new double[] {1 / z, Math.E / z, Math.E * Math.E / z}, offset(1e-12));
    }

    @Test
    void shouldComputeABinaryLogistic(@TempDir Path dir) throws Exception {
        LinearModel model = read(dir, """
                {"format": "tutti-linear", "formatVersion": 1, "task": "binary", "link": "logistic",
                 "intercept": [-1], "features": [{"name": "x", "type": "numeric", "coef": [2]}]}""");
        assertThat(predict(model, 0.5f, 0)[0]).isCloseTo(0.5, offset(1e-12));
        assertThat(predict(model, 1f, 0)[0]).isCloseTo(1 / (1 + Math.exp(-1)), offset(1e-12));
    }

    @Test
    void shouldNameTheFieldOfEveryRefusal(@TempDir Path dir) {
        String start = "{\"format\": \"tutti-linear\", \"formatVersion\": 1, ";
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"binary\", \"link\": \"identity\", \"intercept\": [0], \"features\": []}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("link").hasMessageContaining("logistic");
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"binary\", \"link\": \"logistic\", \"intercept\": [0],"
                + " \"features\": [{\"name\": \"y\", \"type\": \"numeric\", \"coef\": [1]}]}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("features[0].name").hasMessageContaining("'y'");
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"binary\", \"link\": \"logistic\", \"intercept\": [0],"
                + " \"features\": [{\"name\": \"x\", \"type\": \"numeric\", \"coef\": [1, 2]}]}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("features[0].coef");
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"binary\", \"link\": \"logistic\", \"intercept\": [0],"
                + " \"features\": [{\"name\": \"colour\", \"type\": \"numeric\", \"coef\": [1]}]}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("categorical in the schema");
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"binary\", \"link\": \"logistic\", \"intercept\": [0],"
                + " \"features\": [{\"name\": \"x\", \"type\": \"numeric\", \"scale\": 0, \"coef\": [1]}]}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("features[0].scale");
        assertThatThrownBy(() -> read(dir, start + "\"task\": \"multiclass\", \"link\": \"softmax\", \"intercept\": [0, 1], \"features\": []}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("intercept").hasMessageContaining("3 or more");
    }
}
