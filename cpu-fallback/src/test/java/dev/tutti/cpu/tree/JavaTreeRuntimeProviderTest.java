package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaTreeRuntimeProviderTest {
    private final JavaTreeRuntimeProvider provider = new JavaTreeRuntimeProvider();

    @TempDir
    Path dir;

    private static InputSchema schema(boolean categorical, int width) {
        List<FeatureSpec> features = new ArrayList<>();
        features.add(FeatureSpec.numeric("a", true));
        if (width > 1) {
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                labels.add("c" + i);
            }
            features.add(categorical ? FeatureSpec.categorical("c", labels, true) : FeatureSpec.numeric("c", true));
        }
        for (int i = 2; i < width; i++) {
            features.add(FeatureSpec.numeric("f" + i, true));
        }
        return new InputSchema(features);
    }

    private ModelSpec spec(String format, Path file, Task task, int classes, InputSchema schema) {
        return new ModelSpec("m", 1, format, file, "0".repeat(64), schema, task, classes, Map.of());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private Path json(String name, String text) throws Exception {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static FloatBuffer rows(float[][] rows, int width) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] row : rows) {
            buffer.put(row, 0, width);
        }
        return buffer.clear();
    }

    @Test
    void isFoundByServiceLoaderAndHandlesTheTreeFormats() {
        assertThat(ServiceLoader.load(MemberRuntimeProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(JavaTreeRuntimeProvider.class);
        assertThat(provider.name()).isEqualTo("java-trees");
        assertThat(provider.formats())
                .containsExactlyInAnyOrder(ModelFormats.XGBOOST_JSON, ModelFormats.XGBOOST_UBJ, ModelFormats.LIGHTGBM_TEXT);
        ModelSpec onnx = spec(ModelFormats.ONNX, dir.resolve("x.onnx"), Task.BINARY, 2, schema(true, 3));
        assertThat(provider.unavailableReason(onnx)).isPresent();
        ModelSpec xgb = spec(ModelFormats.XGBOOST_JSON, dir.resolve("missing.json"), Task.BINARY, 2, schema(true, 3));
        assertThat(provider.unavailableReason(xgb)).isEmpty();
    }

    @Test
    void scoresBatchesIntoTheMembersBlockIndependentlyOfBatchSize() throws Exception {
        Path file = json("binary.json", TreeFixtures.XGB_BINARY_JSON);
        try (Member member = provider.load(spec(ModelFormats.XGBOOST_JSON, file, Task.BINARY, 2, schema(true, 3)))) {
            float[][] probe = TreeFixtures.XGB_ROWS;
            int n = probe.length;
            // two members in the matrix; this one is member 1
            ScoreMatrix matrix = new ScoreMatrix(2, 1, 32);
            matrix.rows(n);
            matrix.fillMember(0, -7f);
            MemberOutput out = new MemberOutput().wrap(matrix, 1);
            member.score(rows(probe, 3), n, out);
            for (int r = 0; r < n; r++) {
                assertThat(matrix.get(1, 0, r)).as("row %d", r).isEqualTo(TreeFixtures.XGB_BINARY_PREDICTIONS[r][0]);
                assertThat(matrix.get(0, 0, r)).isEqualTo(-7f);
            }
            ScoreMatrix single = new ScoreMatrix(1, 1, 1);
            single.rows(1);
            for (int r = 0; r < n; r++) {
                member.score(rows(new float[][] {probe[r]}, 3), 1, new MemberOutput().wrap(single, 0));
                assertThat(single.get(0, 0, 0)).isEqualTo(matrix.get(1, 0, r));
            }
        }
    }

    @Test
    void jsonAndUbjMembersGiveIdenticalScores() throws Exception {
        Path jsonFile = json("multi.json", TreeFixtures.XGB_MULTI_JSON);
        Path ubjFile = write("multi.ubj", Base64.getDecoder().decode(TreeFixtures.XGB_MULTI_UBJ_BASE64));
        Random random = new Random(3);
        float[][] probe = new float[200][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = new float[] {
                random.nextInt(5) == 0 ? Float.NaN : (float) random.nextGaussian(),
                random.nextInt(5) == 0 ? Float.NaN : random.nextInt(40),
                random.nextInt(5) == 0 ? Float.NaN : (float) random.nextGaussian() * 100
            };
        }
        ScoreMatrix a = new ScoreMatrix(1, 3, probe.length);
        ScoreMatrix b = new ScoreMatrix(1, 3, probe.length);
        a.rows(probe.length);
        b.rows(probe.length);
        try (Member fromJson = provider.load(spec(ModelFormats.XGBOOST_JSON, jsonFile, Task.MULTICLASS, 3, schema(true, 3)));
                Member fromUbj = provider.load(spec(ModelFormats.XGBOOST_UBJ, ubjFile, Task.MULTICLASS, 3, schema(true, 3)))) {
            fromJson.score(rows(probe, 3), probe.length, new MemberOutput().wrap(a, 0));
            fromUbj.score(rows(probe, 3), probe.length, new MemberOutput().wrap(b, 0));
        }
        assertThat(b.data()).containsExactly(a.data());
        for (int r = 0; r < probe.length; r++) {
            assertThat(a.get(0, 0, r) + a.get(0, 1, r) + a.get(0, 2, r)).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    @Test
    void lightGbmMemberWritesClassProbabilities() throws Exception {
        Path file = json("multi.txt", TreeFixtures.LGB_MULTI);
        ScoreMatrix matrix = new ScoreMatrix(1, 3, 16);
        matrix.rows(TreeFixtures.LGB_ROWS.length);
        try (Member member = provider.load(spec(ModelFormats.LIGHTGBM_TEXT, file, Task.MULTICLASS, 3, schema(true, 3)))) {
            member.score(rows(TreeFixtures.LGB_ROWS, 3), TreeFixtures.LGB_ROWS.length, new MemberOutput().wrap(matrix, 0));
        }
        for (int r = 0; r < TreeFixtures.LGB_ROWS.length; r++) {
            for (int k = 0; k < 3; k++) {
                assertThat(matrix.get(0, k, r)).isEqualTo((float) TreeFixtures.LGB_MULTI_PREDICTIONS[r][k]);
            }
        }
    }

    @Test
    void scoringAfterCloseThrows() throws Exception {
        Path file = json("reg.json", TreeFixtures.XGB_REG_JSON);
        Member member = provider.load(spec(ModelFormats.XGBOOST_JSON, file, Task.REGRESSION, 0, schema(true, 3)));
        ScoreMatrix matrix = new ScoreMatrix(1, 1, 4);
        matrix.rows(1);
        member.score(rows(new float[][] {{0f, 1f, 2f}}, 3), 1, new MemberOutput().wrap(matrix, 0));
        member.close();
        assertThatThrownBy(() -> member.score(rows(new float[][] {{0f, 1f, 2f}}, 3), 1, new MemberOutput().wrap(matrix, 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void loadChecksTheModelAgainstTheSpec() throws Exception {
        Path binary = json("binary.json", TreeFixtures.XGB_BINARY_JSON);
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_JSON, binary, Task.BINARY, 2, schema(true, 2))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("m@1", "binary.json", "3 features", "only 2");
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_JSON, binary, Task.REGRESSION, 0, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("binary model", "declared regression");
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_JSON, binary, Task.BINARY, 2, schema(false, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("feature 1 ('c')", "categorical");
        Path multi = json("multi.txt", TreeFixtures.LGB_MULTI);
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.LIGHTGBM_TEXT, multi, Task.MULTICLASS, 4, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("3 classes", "declares 4");
        // a wider schema than the model is fine: extra columns are ignored
        try (Member wide = provider.load(spec(ModelFormats.LIGHTGBM_TEXT, multi, Task.MULTICLASS, 3, schema(true, 5)))) {
            assertThat(wide.spec().outputs()).isEqualTo(3);
        }
    }

    @Test
    void malformedFilesFailWithTheFileNameAndTheReason() throws Exception {
        Path broken = json("broken.json", "{\"learner\":{\"objective\":{\"name\":\"binary:logistic\"}}}");
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_JSON, broken, Task.BINARY, 2, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("m@1", "broken.json", "missing field learner.learner_model_param");
        Path notUbj = json("model.ubj", TreeFixtures.XGB_BINARY_JSON);
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_UBJ, notUbj, Task.BINARY, 2, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("model.ubj", "malformed UBJSON");
        Path lgb = json("lgb.txt", TreeFixtures.LGB_BIN.replace("objective=binary sigmoid:0.8", "objective=lambdarank"));
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.LIGHTGBM_TEXT, lgb, Task.BINARY, 2, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("lgb.txt", "lambdarank");
        Path missing = dir.resolve("nowhere.json");
        assertThatThrownBy(() -> provider.load(spec(ModelFormats.XGBOOST_JSON, missing, Task.BINARY, 2, schema(true, 3))))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("nowhere.json");
    }
}
