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
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member option {@code algorithm}: which evaluator a tree member runs. */
class TreeEvaluationOptionTest {
    private final JavaTreeRuntimeProvider provider = new JavaTreeRuntimeProvider();

    @TempDir
    Path dir;

    /** Feature 1 categorical (as in {@link TreeFixtures}), the others numeric. */
    private static InputSchema schema(int width) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            labels.add("c" + i);
        }
        List<FeatureSpec> features = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            features.add(i == 1 ? FeatureSpec.categorical("f1", labels, true) : FeatureSpec.numeric("f" + i, true));
        }
        return new InputSchema(features);
    }

    /** A member of a binary model, or of a regression model when the file is a {@link #chain}. */
    private ModelSpec spec(Path file, String algorithm) {
        Map<String, String> options = algorithm == null ? Map.of() : Map.of(TreeEvaluation.OPTION, algorithm);
        boolean regression = file.getFileName().toString().startsWith("chain");
        return new ModelSpec("m", 1, ModelFormats.LIGHTGBM_TEXT, file, "0".repeat(64), schema(3),
                regression ? Task.REGRESSION : Task.BINARY, regression ? 0 : 2, options);
    }

    private Path model(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static float[] score(Member member, float[] rows, int count) throws Exception {
        ScoreMatrix matrix = new ScoreMatrix(1, 1, count);
        matrix.rows(count);
        member.score(FloatBuffer.wrap(rows), count, new MemberOutput().wrap(matrix, 0));
        return matrix.data().clone();
    }

    /** A LightGBM regression model of one tree: a chain of {@code leaves - 1} splits on feature 0. */
    static String chain(int leaves) {
        StringBuilder feature = new StringBuilder();
        StringBuilder threshold = new StringBuilder();
        StringBuilder decision = new StringBuilder();
        StringBuilder left = new StringBuilder();
        StringBuilder right = new StringBuilder();
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < leaves - 1; i++) {
            String sep = i == 0 ? "" : " ";
            feature.append(sep).append(0);
            threshold.append(sep).append(i);
            decision.append(sep).append(2);
            left.append(sep).append(~i);
            right.append(sep).append(i + 1 < leaves - 1 ? i + 1 : ~(leaves - 1));
        }
        for (int l = 0; l < leaves; l++) {
            value.append(l == 0 ? "" : " ").append(l * 0.5);
        }
        return "tree\nversion=v3\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=2\nobjective=regression\n\n"
                + "Tree=0\nnum_leaves=" + leaves + "\nnum_cat=0\nsplit_feature=" + feature + "\nthreshold=" + threshold
                + "\ndecision_type=" + decision + "\nleft_child=" + left + "\nright_child=" + right + "\nleaf_value=" + value
                + "\nshrinkage=1\n\nend of trees\n";
    }

    @Test
    void everyEvaluationScoresTheSameBits() throws Exception {
        Path file = model("lgbm.txt", TreeFixtures.LGB_ZERO);
        Random random = new Random(5);
        int count = 300;
        float[] rows = new float[count * 3];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = switch (random.nextInt(6)) {
                case 0 -> Float.NaN;
                case 1 -> 0f;
                default -> i % 3 == 1 ? random.nextInt(8) : (float) random.nextGaussian();
            };
        }
        float[] reference;
        try (Member member = provider.load(spec(file, "reference"))) {
            assertThat(((TreeMember) member).evaluation()).isEqualTo("reference");
            reference = score(member, rows, count);
        }
        for (String algorithm : new String[] {null, "auto", "TRAVERSAL", "quickscorer", "vquickscorer", "bitslice"}) {
            try (Member member = provider.load(spec(file, algorithm))) {
                assertThat(score(member, rows, count)).as("algorithm %s", algorithm).containsExactly(reference);
                String evaluation = ((TreeMember) member).evaluation();
                if (algorithm == null || algorithm.equals("auto")) {
                    // its categorical splits are over small categories: BITSLICE takes them too
                    assertThat(evaluation).contains("trial of [TRAVERSAL, QUICKSCORER, VQUICKSCORER, BITSLICE]");
                } else {
                    assertThat(evaluation).startsWith(algorithm.toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
    }

    @Test
    void bitSliceIsChosenByNameOrTriedByAutoOnNumericTrees() throws Exception {
        Path file = model("chain6.txt", chain(6));
        float[] rows = new float[100 * 3];
        for (int r = 0; r < 100; r++) {
            rows[r * 3] = r % 10 == 0 ? Float.NaN : r * 0.07f - 1.5f;
        }
        try (Member bitSlice = provider.load(spec(file, "bitslice"));
                Member auto = provider.load(spec(file, "auto"));
                Member reference = provider.load(spec(file, "reference"))) {
            assertThat(((TreeMember) bitSlice).evaluation()).startsWith("BITSLICE");
            assertThat(((TreeMember) auto).evaluation()).contains("trial of [TRAVERSAL, QUICKSCORER, VQUICKSCORER, BITSLICE]");
            float[] expected = score(reference, rows, 100);
            assertThat(score(bitSlice, rows, 100)).containsExactly(expected);
            assertThat(score(auto, rows, 100)).containsExactly(expected);
        }
    }

    @Test
    void anUnknownAlgorithmIsRefusedWithTheChoices() throws Exception {
        Path file = model("lgbm.txt", TreeFixtures.LGB_ZERO);
        assertThatThrownBy(() -> provider.load(spec(file, "fastest")))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("algorithm='fastest'")
                .hasMessageContaining("auto, traversal, quickscorer, vquickscorer, bitslice, reference");
    }

    @Test
    void quickScorerAndBitSliceAreRefusedForLongChainsAndAutoLeavesThemOut() throws Exception {
        Path file = model("chain.txt", chain(70));
        assertThatThrownBy(() -> provider.load(spec(file, "quickscorer")))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("at most 64 leaves");
        assertThatThrownBy(() -> provider.load(spec(file, "bitslice")))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("BITSLICE needs")
                .hasMessageContaining("trees of at most 12 levels");
        float[] rows = new float[100 * 3];
        for (int r = 0; r < 100; r++) {
            rows[r * 3] = r - 10.5f;
        }
        try (Member auto = provider.load(spec(file, "auto"));
                Member reference = provider.load(spec(file, "reference"))) {
            assertThat(((TreeMember) auto).evaluation()).contains("trial of [TRAVERSAL, VQUICKSCORER]");
            assertThat(score(auto, rows, 100)).containsExactly(score(reference, rows, 100));
        }
    }
}
