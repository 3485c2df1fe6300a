package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.CombinerPropertiesTest.Kind;
import dev.tutti.combine.CombinerPropertiesTest.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Vector API kernel against its scalar reference, for every combiner and task, on awkward batch
 * sizes (around the 16-lane chunk: 0, 1, 7, 15, 16, 17, 255, 1031 rows) and member counts (1, 2, 3, 10,
 * 100), each with three presence masks: all members, a random subset, and a single member.
 *
 * <p><b>Tolerance.</b> The reference works in double and rounds once to float, so it is within half an
 * ulp of the exact answer; the vector kernels work in float. With {@code u = 2^-24} (float's unit
 * roundoff), a combined value {@code s = bias + sum of M terms c * T(x)} picks up:
 *
 * <ul>
 *   <li>from each transform {@code T}: {@code ln} and {@code logit} in float are within {@code 2u (1 +
 *       |T|)} ({@code LOG} within an ulp, plus the rounding of its argument {@code p / (1 - p)});
 *       values, votes and percentiles are exact;
 *   <li>from the coefficients rounded to float: {@code u} relative;
 *   <li>from summing M terms (and K for a normalisation) in float: at most {@code (M + K) u} times the
 *       sum of their magnitudes (the standard bound {@code gamma_n} for recursive summation).
 * </ul>
 *
 * So {@code |ds| <= (M + K + 8) u S} with {@code S = |bias| + sum |c| (1 + max |T|)}, where the 8
 * covers the transforms, the weights and the final rounding. The link does not magnify it: a sigmoid's
 * slope is at most 1/4, and a softmax or a normalisation moves each probability by at most {@code 2 |ds|}
 * (a relative error of {@code e^ds - 1} in each term, at most doubled by the division). Hence the
 * bound {@code 2 (M + K + 8) u S}, plus {@code 4u} for the roundings after the sum. With 10 members of
 * logit inputs (|T| up to 16.1) that is about 4e-5; a kernel that dropped a member's renormalisation or
 * misread a stride would be off by orders of magnitude more.
 */
class VectorKernelParityTest {
    static final int[] ROWS = {0, 1, 7, 15, 16, 17, 255, 1031};
    static final int[] MEMBERS = {1, 2, 3, 10, 100};
    static final double U = 0x1p-24;
    /** The largest |ln p| or |logit p| after clamping to [1e-7, 1 - 1e-7]. */
    static final double MAX_LOG = 16.2;

    /** A random ensemble and batch (no member marked absent: each test applies its own masks). */
    record Case(Kind kind, Task task, int outputs, int rows, Member[] members, double[] intercept, float[][][] scores,
            long seed) {

        Combiner reference() {
            return kind.build(task, outputs, members, intercept);
        }

        /** The all-present, a random and a single-member presence mask. */
        List<boolean[]> masks() {
            Random random = new Random(seed);
            boolean[] some = new boolean[members.length];
            for (int m = 0; m < some.length; m++) {
                some[m] = random.nextInt(3) != 0;
            }
            some[random.nextInt(members.length)] = true;
            boolean[] one = new boolean[members.length];
            one[random.nextInt(members.length)] = true;
            return List.of(Matrices.all(members.length), some, one);
        }

        /** The scores with an absent member's entries NaN: a kernel must never read them. */
        ScoreMatrix matrix(boolean[] present) {
            float[][][] values = new float[scores.length][][];
            for (int m = 0; m < scores.length; m++) {
                values[m] = new float[outputs][];
                for (int k = 0; k < outputs; k++) {
                    values[m][k] = present[m] ? scores[m][k] : nan(rows);
                }
            }
            return Matrices.of(values);
        }

        @Override
        public String toString() {
            return kind + " " + task + " K=" + outputs + " rows=" + rows + " members=" + members.length;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 1000;
        for (Kind kind : Kind.values()) {
            for (Task task : kind.tasks) {
                for (int rows : ROWS) {
                    for (int members : MEMBERS) {
                        cases.add(randomCase(kind, task, rows, members, seed++));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Every batch size with three members: enough to see a write past the rows in the masked last chunk. */
    static Stream<Case> batchSizes() {
        return cases().filter(c -> c.members().length == 3);
    }

    static Case randomCase(Kind kind, Task task, int rows, int members, long seed) {
        CombinerPropertiesTest.Case parameters = CombinerPropertiesTest.randomCase(kind, task, 0, members, seed);
        float[][][] scores = Matrices.random(new Random(seed), task, members, parameters.outputs(), rows);
        return new Case(kind, task, parameters.outputs(), rows, parameters.members(), parameters.intercept(), scores, seed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldCombineAsTheScalarReferenceWithinFloatRounding(Case c) {
        Combiner reference = c.reference();
        Combiner simd = VectorKernels.combiner(reference);
        assertThat(simd).isInstanceOf(VectorCombiner.class);
        for (boolean[] present : c.masks()) {
            ScoreMatrix scores = c.matrix(present);
            ScoreMatrix expected = Matrices.combine(reference, scores, present);
            ScoreMatrix actual = Matrices.combine(simd, scores, present);

            assertClose(actual, expected, combineTolerance(c, reference, scores, present), Arrays.toString(present));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldComputeConfidenceAsTheScalarReferenceWithinFloatRounding(Case c) {
        Combiner reference = c.reference();
        for (boolean[] present : c.masks()) {
            ScoreMatrix scores = c.matrix(present);
            ScoreMatrix combined = Matrices.combine(reference, scores, present);
            assertConfidenceMatches(reference, scores, present, combined, spreadScale(c));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchSizes")
    void shouldWriteNothingBeyondTheBatchRows(Case c) {
        Combiner simd = VectorKernels.combiner(c.reference());
        boolean[] present = Matrices.all(c.members().length);
        ScoreMatrix out = new ScoreMatrix(1, c.outputs(), c.rows() + Matrices.SLACK + VectorMath.LANES);
        out.fillMember(0, 42f);

        simd.combine(c.matrix(present), present, null, out);

        for (int k = 0; k < c.outputs(); k++) {
            for (int row = c.rows(); row < out.capacity(); row++) {
                assertThat(out.get(0, k, row)).as("output %d row %d", k, row).isEqualTo(42f);
            }
        }
    }

    /** The spread at which regression agreement reaches 0: the spread of the generated values. */
    static double spreadScale(Case c) {
        return c.task() == Task.REGRESSION ? 10 : 1;
    }

    /** Asserts every vector confidence kernel against {@link Confidence} on one batch (bounds in the comments). */
    static void assertConfidenceMatches(
            Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined, double spreadScale) {
        Task task = combiner.task();
        int rows = combined.rows();
        int[] classes = new int[rows];
        int[] simdClasses = new int[rows];
        Confidence.predictedClass(task, combined, classes);
        VectorConfidence.INSTANCE.predictedClass(task, combined, simdClasses);
        if (!Arrays.equals(simdClasses, classes)) {
            assertThat(simdClasses).as("predicted class").containsExactly(classes);
        }

        // margin: top1 - top2 (or |2p - 1|) of float inputs rounds once in both: equal
        float[] expected = new float[rows];
        float[] actual = new float[rows];
        Confidence.margin(task, combined, expected);
        VectorConfidence.INSTANCE.margin(task, combined, actual);
        if (!Arrays.equals(actual, expected)) {
            assertThat(actual).as("margin").containsExactly(expected);
        }

        // entropy: K float logs (within 2u of |p ln p| each) summed in float, then normalised by ln K
        Confidence.entropy(task, combined, expected);
        VectorConfidence.INSTANCE.entropy(task, combined, actual);
        assertClose(actual, expected, (combined.outputs() + 8) * 4 * U, "entropy");

        // agreement: West's update works on deviations from the running mean, so its mean and sum of
        // squares carry rounding relative to the spread R of the members' values (the largest distance
        // between two of them), not to the values: the mean within (M + 2) u R, the variance within
        // (M + 4) u (var + R^2 / M), the standard deviation within about (M + 4) u R, and 1 - 2 std
        // within 2 (M + 4) u R; doubled for margin (regression: R / spreadScale)
        Confidence.agreement(combiner, scores, present, combined, spreadScale, expected);
        VectorConfidence.INSTANCE.agreement(combiner, scores, present, combined, spreadScale, actual);
        double range = task == Task.REGRESSION ? valueRange(scores, present) / spreadScale : 1;
        assertClose(actual, expected, 4 * (combiner.members() + 8) * U * range + 2 * U, "agreement");
    }

    /** The bound of the class comment for one batch. */
    static double combineTolerance(Case c, Combiner reference, ScoreMatrix scores, boolean[] present) {
        int members = c.members().length;
        double magnitude = switch (c.kind()) {
            case WEIGHTED_AVERAGE -> 1 + valueMax(scores, present);
            case VOTING, RANK_AVERAGE -> 1;
            case GEOMETRIC_MEAN, LOGIT_AVERAGE -> 1 + MAX_LOG;
            case STACKING -> stackingMagnitude(reference, valueMax(scores, present));
        };
        return 2 * (members + c.outputs() + 8) * U * magnitude + 4 * U;
    }

    /** {@code |intercept| + sum |c| (1 + max |input|)} over every coefficient, for stacking. */
    private static double stackingMagnitude(Combiner reference, double valueMax) {
        StackingModel model = ((Stacking) reference).model();
        double input = model.input() == StackingModel.Input.LOGIT ? MAX_LOG : valueMax;
        double largest = Math.max(input, Arrays.stream(model.fill()).map(Math::abs).max().orElse(0));
        double sum = Arrays.stream(model.intercept()).map(Math::abs).max().orElse(0);
        for (double[] coefficients : model.coefficients()) {
            for (double coefficient : coefficients) {
                sum += Math.abs(coefficient) * (1 + largest);
            }
        }
        return sum;
    }

    static double valueMax(ScoreMatrix scores, boolean[] present) {
        double max = 0;
        for (int m = 0; m < scores.members(); m++) {
            for (int k = 0; k < scores.outputs() && present[m]; k++) {
                for (int row = 0; row < scores.rows(); row++) {
                    max = Math.max(max, Math.abs(scores.get(m, k, row)));
                }
            }
        }
        return max;
    }

    /** The largest difference between two present members' values at any row (regression). */
    static double valueRange(ScoreMatrix scores, boolean[] present) {
        double range = 0;
        for (int row = 0; row < scores.rows(); row++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < scores.members(); m++) {
                if (present[m]) {
                    lo = Math.min(lo, scores.get(m, 0, row));
                    hi = Math.max(hi, scores.get(m, 0, row));
                }
            }
            range = Math.max(range, hi - lo);
        }
        return range;
    }

    static void assertClose(ScoreMatrix actual, ScoreMatrix expected, double tolerance, String what) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        for (int k = 0; k < expected.outputs(); k++) {
            float[] a = Arrays.copyOfRange(actual.data(), actual.offset(0, k), actual.offset(0, k) + actual.rows());
            float[] e = Arrays.copyOfRange(expected.data(), expected.offset(0, k), expected.offset(0, k) + expected.rows());
            assertClose(a, e, tolerance, what + " output " + k);
        }
    }

    static void assertClose(float[] actual, float[] expected, double tolerance, String what) {
        for (int row = 0; row < expected.length; row++) {
            boolean close = Float.isNaN(expected[row]) ? Float.isNaN(actual[row])
                    : Math.abs((double) actual[row] - expected[row]) <= tolerance;
            if (!close) { // assert only on failure: AssertJ per element would dominate the run time
                assertThat(actual[row]).as("%s row %d (tolerance %s)", what, row, tolerance)
                        .isEqualTo(expected[row]);
            }
        }
    }

    private static float[] nan(int rows) {
        float[] values = new float[rows];
        Arrays.fill(values, Float.NaN);
        return values;
    }
}
