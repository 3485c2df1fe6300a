package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.StackingModel.Input;
import dev.tutti.combine.StackingModel.Link;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inputs where a float kernel is most likely to part from the double reference: probabilities at
 * and beyond the clamp, scores equal to quantiles, quantile grids of every block shape, thresholds
 * that are not floats, pass-through features, and bad arguments. Tolerances as in
 * {@link VectorKernelParityTest}.
 */
class VectorKernelEdgeCaseTest {
    /** 0, 1 and the floats around the clamp {@code [1e-7, 1 - 1e-7]}, where the logit saturates at +-16.12. */
    private static final float[] EXTREMES = {0f, 1e-12f, 1e-8f, 1e-7f, 2e-7f, 0.5f, 0.9999998f, 0.99999994f, 1f};

    private static ScoreMatrix extremes(int members) {
        float[][] runs = new float[members][EXTREMES.length * EXTREMES.length];
        for (int i = 0; i < runs[0].length; i++) {
            for (int m = 0; m < members; m++) {
                // every pair of extremes between members 0 and 1, then their mirror images
                runs[m][i] = m % 2 == 0 ? EXTREMES[i % EXTREMES.length] : EXTREMES[i / EXTREMES.length];
            }
        }
        return Matrices.single(runs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"geometric-mean", "logit-average", "stacking"})
    void shouldClampSaturatedProbabilitiesAsTheReferenceDoes(String type) {
        double[] weights = {1, 2, 0.5};
        Combiner reference = switch (type) {
            case "geometric-mean" -> new GeometricMean(Task.BINARY, 1, weights);
            case "logit-average" -> new LogitAverage(Task.BINARY, 1, weights);
            default -> new Stacking(Task.BINARY, 1, new StackingModel(Link.LOGISTIC, Input.LOGIT, new double[] {0.1},
                    new double[][] {{1}, {-0.5}, {0.25}}, new int[0], new double[0][], new double[3]));
        };
        ScoreMatrix scores = extremes(3);

        ScoreMatrix expected = Matrices.combine(reference, scores, Matrices.all(3));
        ScoreMatrix actual = Matrices.combine(VectorKernels.combiner(reference), scores, Matrices.all(3));

        // sum of |c| (1 + 16.2) over 3 members, 2 (M + K + 8) u, as in VectorKernelParityTest
        VectorKernelParityTest.assertClose(actual, expected, 2 * 12 * 0x1p-24 * 1.75 * 17.2 + 4 * 0x1p-24, type);
    }

    @Test
    void shouldFindEveryPercentileExactlyForEveryGridShape() {
        Random random = new Random(7);
        for (int q : new int[] {2, 3, 15, 16, 17, 31, 32, 33, 101, 255, 256, 257, 600}) {
            float[] grid = new float[q];
            for (int i = 0; i < q; i++) {
                grid[i] = Math.round(random.nextFloat() * q / 3f) / (q / 3f); // coarse: long flat runs
            }
            Arrays.sort(grid);
            float[] x = new float[3 * q + 4];
            for (int i = 0; i < q; i++) {
                x[3 * i] = grid[i];                       // on a quantile (inside a flat run or not)
                x[3 * i + 1] = Math.nextUp(grid[i]);      // just above
                x[3 * i + 2] = random.nextFloat() * 1.2f - 0.1f;
            }
            x[3 * q] = grid[0] - 1;
            x[3 * q + 1] = grid[q - 1] + 1;
            x[3 * q + 2] = Float.NaN;
            x[3 * q + 3] = Math.nextDown(grid[0]);
            RankAverage reference = new RankAverage(new double[] {1}, new float[][] {grid});
            ScoreMatrix scores = Matrices.single(x);

            ScoreMatrix actual = Matrices.combine(VectorKernels.combiner(reference), scores, Matrices.all(1));

            for (int row = 0; row < x.length; row++) {
                // one member of weight 1: the kernel's output is (float) percentile, give or take the
                // float ulp that multiplying by 1 / (Q - 1) instead of dividing can cost
                float expected = (float) RankAverage.percentile(grid, x[row]);
                float got = actual.get(0, 0, row);
                if (Float.isNaN(expected)) {
                    assertThat(got).as("Q=%d x=%s", q, x[row]).isNaN();
                } else {
                    assertThat(Math.abs(got - expected)).as("Q=%d x=%s: %s vs %s", q, x[row], got, expected)
                            .isLessThanOrEqualTo(Math.ulp(expected));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.3, 0.5, 0.7000000000000001, 1})
    void shouldVoteAtAThresholdThatIsNotAFloatAsTheReferenceDoes(double threshold) {
        // scores on both sides of the threshold by one float step, and on it
        float t = (float) threshold;
        float[] around = {Math.nextDown(t), t, Math.nextUp(t), Math.nextDown(Math.nextDown(t)), Math.nextUp(Math.nextUp(t))};
        Voting reference = new Voting(Task.BINARY, 1, new double[] {1}, threshold);
        ScoreMatrix scores = Matrices.single(around);

        ScoreMatrix expected = Matrices.combine(reference, scores, Matrices.all(1));
        ScoreMatrix actual = Matrices.combine(VectorKernels.combiner(reference), scores, Matrices.all(1));

        VectorKernelParityTest.assertClose(actual, expected, 0, "threshold " + threshold);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldAddPassThroughFeaturesAndSkipMissingOnes(int classes) {
        Task task = classes == 1 ? Task.BINARY : Task.MULTICLASS;
        Random random = new Random(classes);
        int members = 2;
        int rows = 37;
        int width = 5;
        double[][] coefficients = new double[members][classes * classes];
        for (double[] c : coefficients) {
            Arrays.setAll(c, i -> random.nextGaussian());
        }
        double[][] passThrough = {randomArray(random, classes), randomArray(random, classes)};
        StackingModel model = new StackingModel(Link.of(task), Input.LOGIT, randomArray(random, classes), coefficients,
                new int[] {1, 4}, passThrough, randomArray(random, members * classes));
        Stacking reference = new Stacking(task, classes, model);
        float[] features = new float[rows * width];
        for (int i = 0; i < features.length; i++) {
            features[i] = i % 7 == 0 ? Float.NaN : (float) random.nextGaussian();
        }
        FeatureRows rowsView = new FeatureRows().wrap(FloatBuffer.wrap(features), width);
        ScoreMatrix scores = Matrices.of(Matrices.random(random, task, members, classes, rows));
        boolean[] oneAbsent = {true, false};

        ScoreMatrix expected = Matrices.combine(reference, scores, oneAbsent, rowsView);
        ScoreMatrix actual = Matrices.combine(VectorKernels.combiner(reference), scores, oneAbsent, rowsView);

        VectorKernelParityTest.assertClose(actual, expected, 1e-5, "pass-through");
    }

    @Test
    void shouldRejectMissingPassThroughFeaturesAsTheReferenceDoes() {
        StackingModel model = new StackingModel(Link.LOGISTIC, Input.PROBABILITY, new double[] {0}, new double[][] {{1}},
                new int[] {2}, new double[][] {{0.5}}, new double[] {0});
        Combiner simd = VectorKernels.combiner(new Stacking(Task.BINARY, 1, model));
        ScoreMatrix scores = Matrices.single(new float[] {0.5f});
        ScoreMatrix out = new ScoreMatrix(1, 1, 1);

        assertThatThrownBy(() -> simd.combine(scores, Matrices.all(1), null, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features must not be null");
    }

    @Test
    void shouldRejectTheArgumentsTheReferenceRejects() {
        Combiner simd = VectorKernels.combiner(new WeightedAverage(Task.BINARY, 1, new double[] {1, 1}));
        ScoreMatrix scores = Matrices.single(new float[] {0.5f}, new float[] {0.5f});

        assertThatThrownBy(() -> simd.combine(scores, new boolean[] {true}, null, new ScoreMatrix(1, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one entry per member");
        assertThatThrownBy(() -> simd.combine(scores, Matrices.all(2), null, new ScoreMatrix(1, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out must be 1 member x 1 outputs");
        assertThatThrownBy(() -> VectorConfidence.INSTANCE.margin(Task.BINARY, scores, new float[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out must hold at least 1");
    }

    @Test
    void shouldAnswerNaNWhenNoMemberWithWeightIsPresent() {
        Combiner simd = VectorKernels.combiner(new GeometricMean(Task.MULTICLASS, 3, new double[] {1, 0}));
        ScoreMatrix scores = Matrices.row(new float[] {0.2f, 0.3f, 0.5f}, new float[] {0.1f, 0.1f, 0.8f});
        boolean[] onlyWeightless = {false, true};

        ScoreMatrix out = Matrices.combine(simd, scores, onlyWeightless);

        assertThat(simd.canAnswer(onlyWeightless)).isFalse();
        assertThat(new float[] {out.get(0, 0, 0), out.get(0, 1, 0), out.get(0, 2, 0)}).containsOnly(Float.NaN);
    }

    @Test
    void shouldExplainAndDescribeItselfAsItsReference() {
        Voting reference = new Voting(Task.MULTICLASS, 3, new double[] {1, 2});
        Combiner simd = VectorKernels.combiner(reference);
        ScoreMatrix scores = Matrices.row(new float[] {0.2f, 0.3f, 0.5f}, new float[] {0.6f, 0.3f, 0.1f});

        assertThat(simd.explain(scores, Matrices.all(2), null, 0, 2))
                .isEqualTo(reference.explain(scores, Matrices.all(2), null, 0, 2));
        assertThat(simd.name()).isEqualTo("weighted-vote");
        assertThat(simd.space()).isEqualTo(reference.space());
        assertThat(simd.weight(1)).isEqualTo(2.0);
        assertThat(simd).hasToString("simd " + reference);
    }

    @Test
    void shouldGiveExactAgreementOfOneWhenMembersAgreeExactly() {
        float[] same = {0.1f, 0.5f, 0.93f, 0.7f};
        Combiner combiner = new WeightedAverage(Task.BINARY, 1, new double[] {0.3, 0.3, 0.4});
        ScoreMatrix scores = Matrices.single(same, same, same);
        float[] agreement = new float[same.length];

        VectorConfidence.INSTANCE.agreement(combiner, scores, Matrices.all(3), Matrices.combine(combiner, scores,
                Matrices.all(3)), 1, agreement);

        assertThat(agreement).containsOnly(1f);
    }

    private static double[] randomArray(Random random, int n) {
        double[] values = new double[n];
        Arrays.setAll(values, i -> random.nextGaussian());
        return values;
    }
}
