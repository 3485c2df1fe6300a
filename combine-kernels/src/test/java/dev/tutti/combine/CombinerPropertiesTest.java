package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.combine.StackingModel.Input;
import dev.tutti.combine.StackingModel.Link;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every combiner must have, over random matrices (fixed seeds) of several sizes, for every
 * task each combiner supports.
 */
class CombinerPropertiesTest {
    private static final int[] ROWS = {0, 1, 7, 17, 256};
    private static final int[] MEMBERS = {1, 2, 3, 10};

    /** One member's parameters, kept together so that permuting members permutes them too. */
    record Member(double weight, float[] quantiles, double[] coefficients, double[] fill) {}

    enum Kind {
        WEIGHTED_AVERAGE(EnumSet.allOf(Task.class), true),
        VOTING(EnumSet.of(Task.BINARY, Task.MULTICLASS), true),
        RANK_AVERAGE(EnumSet.of(Task.BINARY), true),
        GEOMETRIC_MEAN(EnumSet.of(Task.BINARY, Task.MULTICLASS), true),
        LOGIT_AVERAGE(EnumSet.of(Task.BINARY, Task.MULTICLASS), true),
        STACKING(EnumSet.allOf(Task.class), false);

        final Set<Task> tasks;
        /** Whether missing members are renormalised away (stacking imputes them instead). */
        final boolean weighted;

        Kind(Set<Task> tasks, boolean weighted) {
            this.tasks = tasks;
            this.weighted = weighted;
        }

        Combiner build(Task task, int outputs, Member[] members, double[] intercept) {
            double[] weights = Arrays.stream(members).mapToDouble(Member::weight).toArray();
            return switch (this) {
                case WEIGHTED_AVERAGE -> new WeightedAverage(task, outputs, weights);
                case VOTING -> new Voting(task, outputs, weights);
                case RANK_AVERAGE -> new RankAverage(weights,
                        Arrays.stream(members).map(Member::quantiles).toArray(float[][]::new));
                case GEOMETRIC_MEAN -> new GeometricMean(task, outputs, weights);
                case LOGIT_AVERAGE -> new LogitAverage(task, outputs, weights);
                case STACKING -> new Stacking(task, outputs, new StackingModel(Link.of(task),
                        task == Task.REGRESSION ? Input.PROBABILITY : Input.LOGIT, intercept,
                        Arrays.stream(members).map(Member::coefficients).toArray(double[][]::new),
                        new int[0], new double[0][],
                        Arrays.stream(members).flatMapToDouble(m -> Arrays.stream(m.fill())).toArray()));
            };
        }
    }

    /** A random ensemble and batch: the scores, the members' parameters and a random presence mask. */
    record Case(Kind kind, Task task, int outputs, int rows, Member[] members, double[] intercept, float[][][] scores,
            boolean[] present, long seed) {

        Combiner combiner() {
            return kind.build(task, outputs, members, intercept);
        }

        ScoreMatrix matrix() {
            return Matrices.of(scores);
        }

        @Override
        public String toString() {
            return kind + " " + task + " K=" + outputs + " rows=" + rows + " members=" + members.length;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 1;
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

    static Case randomCase(Kind kind, Task task, int rows, int memberCount, long seed) {
        Random random = new Random(seed);
        int outputs = task == Task.MULTICLASS ? 3 + memberCount % 3 : 1;
        Member[] members = new Member[memberCount];
        for (int m = 0; m < memberCount; m++) {
            float[] quantiles = new float[2 + random.nextInt(20)];
            for (int i = 0; i < quantiles.length; i++) {
                // a coarse grid now and then, so that flat runs occur
                quantiles[i] = m % 2 == 0 ? random.nextFloat() : Math.round(random.nextFloat() * 5) / 5f;
            }
            Arrays.sort(quantiles);
            double[] coefficients = new double[outputs * outputs];
            for (int i = 0; i < coefficients.length; i++) {
                coefficients[i] = random.nextGaussian();
            }
            double[] fill = new double[outputs];
            for (int j = 0; j < outputs; j++) {
                fill[j] = random.nextGaussian();
            }
            members[m] = new Member(0.1 + 2 * random.nextDouble(), quantiles, coefficients, fill);
        }
        double[] intercept = new double[outputs];
        for (int k = 0; k < outputs; k++) {
            intercept[k] = random.nextGaussian();
        }
        float[][][] scores = Matrices.random(random, task, memberCount, outputs, rows);
        boolean[] present = new boolean[memberCount];
        for (int m = 0; m < memberCount; m++) {
            present[m] = random.nextInt(4) != 0;
        }
        present[random.nextInt(memberCount)] = true;
        for (int m = 0; m < memberCount; m++) {
            if (!present[m]) {
                for (float[] run : scores[m]) {
                    Arrays.fill(run, Float.NaN); // an absent member's entries must never be read
                }
            }
        }
        return new Case(kind, task, outputs, rows, members, intercept, scores, present, seed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldOutputProbabilitiesThatSumToOneForMulticlass(Case c) {
        ScoreMatrix out = Matrices.combine(c.combiner(), c.matrix(), c.present());

        assertThat(out.rows()).isEqualTo(c.rows());
        for (int row = 0; row < c.rows(); row++) {
            double sum = 0;
            for (int k = 0; k < c.outputs(); k++) {
                float v = out.get(0, k, row);
                assertThat(v).as("row %d output %d", row, k).isNotNaN();
                if (c.task() != Task.REGRESSION) {
                    assertThat(v).isBetween(0f, 1f);
                }
                sum += v;
            }
            if (c.task() == Task.MULTICLASS) {
                assertThat(sum).as("row %d", row).isCloseTo(1, within(1e-5));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRenormaliseEffectiveWeightsToSumToOne(Case c) {
        if (!c.kind().weighted || c.rows() == 0) {
            return;
        }
        Explanation e = c.combiner().explain(c.matrix(), c.present(), null, 0, 0);
        double sum = 0;
        for (MemberContribution member : e.members()) {
            if (!member.present()) {
                assertThat(member.weight()).isZero();
                assertThat(member.contribution()).isZero();
            }
            sum += member.weight();
        }
        assertThat(sum).isCloseTo(1, within(1e-12));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldNotDependOnMemberOrder(Case c) {
        int[] order = Matrices.permutation(new Random(c.seed()), c.members().length);
        Member[] permuted = Arrays.stream(order).mapToObj(i -> c.members()[i]).toArray(Member[]::new);
        ScoreMatrix expected = Matrices.combine(c.combiner(), c.matrix(), c.present());
        ScoreMatrix actual = Matrices.combine(c.kind().build(c.task(), c.outputs(), permuted, c.intercept()),
                Matrices.of(Matrices.select(c.scores(), order)), Matrices.select(c.present(), order));

        assertSameOutputs(actual, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldEqualTheCombinerWithoutAMissingMember(Case c) {
        int members = c.members().length;
        if (!c.kind().weighted || members < 2) {
            return;
        }
        int missing = new Random(c.seed()).nextInt(members);
        boolean[] present = Matrices.all(members);
        present[missing] = false;
        float[][][] scores = c.scores().clone();
        scores[missing] = new float[c.outputs()][c.rows()];
        for (float[] run : scores[missing]) {
            Arrays.fill(run, Float.NaN);
        }
        int[] others = Matrices.without(members, missing);
        Member[] kept = Arrays.stream(others).mapToObj(i -> c.members()[i]).toArray(Member[]::new);
        // the others must all be present: use fresh scores for the members the case marked absent
        float[][][] fresh = Matrices.random(new Random(c.seed() + 1), c.task(), members, c.outputs(), c.rows());
        for (int m = 0; m < members; m++) {
            if (m != missing) {
                scores[m] = fresh[m];
            }
        }

        ScoreMatrix actual = Matrices.combine(c.combiner(), Matrices.of(scores), present);
        ScoreMatrix expected = Matrices.combine(c.kind().build(c.task(), c.outputs(), kept, c.intercept()),
                Matrices.of(Matrices.select(scores, others)), Matrices.all(members - 1));

        assertSameOutputs(actual, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAnswerNaNWhenAllMembersAreMissing(Case c) {
        Combiner combiner = c.combiner();
        boolean[] none = new boolean[c.members().length];
        ScoreMatrix scores = c.matrix();
        for (int m = 0; m < none.length; m++) {
            scores.fillMember(m, Float.NaN);
        }
        ScoreMatrix out = new ScoreMatrix(1, c.outputs(), c.rows() + Matrices.SLACK);
        out.fillMember(0, 0.5f);
        combiner.combine(scores, none, null, out);

        assertThat(combiner.canAnswer(none)).isFalse();
        assertThat(combiner.canAnswer(c.present())).isTrue();
        for (int k = 0; k < c.outputs(); k++) {
            for (int row = 0; row < c.rows(); row++) {
                assertThat(out.get(0, k, row)).isNaN();
            }
        }
        if (c.rows() > 0) {
            assertThat(combiner.explain(scores, none, null, 0, 0).combinedInSpace()).isNaN();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAgreeFullyWhenMembersAreIdentical(Case c) {
        int members = c.members().length;
        float[][][] one = Matrices.random(new Random(c.seed()), c.task(), 1, c.outputs(), c.rows());
        float[][][] scores = new float[members][][];
        Arrays.fill(scores, one[0]);
        ScoreMatrix matrix = Matrices.of(scores);
        Combiner combiner = c.combiner();
        ScoreMatrix out = Matrices.combine(combiner, matrix, Matrices.all(members));

        if (c.kind() == Kind.WEIGHTED_AVERAGE || c.kind() == Kind.GEOMETRIC_MEAN || c.kind() == Kind.LOGIT_AVERAGE) {
            for (int k = 0; k < c.outputs(); k++) {
                for (int row = 0; row < c.rows(); row++) {
                    float expected = one[0][k][row];
                    assertThat(out.get(0, k, row)).isCloseTo(expected, within(1e-6f * Math.max(1, Math.abs(expected))));
                }
            }
        }
        float[] agreement = new float[c.rows()];
        Confidence.agreement(combiner, matrix, Matrices.all(members), out, 1, agreement);
        for (float a : agreement) {
            assertThat(a).isCloseTo(1f, within(1e-6f));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldExplainAsBasePlusContributions(Case c) {
        Combiner combiner = c.combiner();
        ScoreMatrix scores = c.matrix();
        ScoreMatrix out = Matrices.combine(combiner, scores, c.present());
        for (int row = 0; row < Math.min(c.rows(), 5); row++) {
            double[] inSpace = new double[c.outputs()];
            for (int k = 0; k < c.outputs(); k++) {
                Explanation e = combiner.explain(scores, c.present(), null, row, k);
                double sum = e.base();
                for (MemberContribution member : e.members()) {
                    sum += member.contribution();
                }
                assertThat(e.space()).isEqualTo(combiner.space());
                assertThat(e.output()).isEqualTo(k);
                assertThat(e.members()).hasSize(c.members().length);
                assertThat(e.combinedInSpace())
                        .as("row %d output %d", row, k)
                        .isCloseTo(sum, within(1e-9 * Math.max(1, Math.abs(sum))));
                inSpace[k] = e.combinedInSpace();
            }
            // the combined value in space maps back to the answer
            double[] answer = answer(combiner, inSpace);
            for (int k = 0; k < c.outputs(); k++) {
                assertThat((double) out.get(0, k, row))
                        .as("row %d output %d", row, k)
                        .isCloseTo(answer[k], within(1e-5 * Math.max(1, Math.abs(answer[k]))));
            }
        }
    }

    /** The answer from the combined values in space of every output. */
    private static double[] answer(Combiner combiner, double[] inSpace) {
        double[] answer = new double[inSpace.length];
        switch (combiner.space()) {
            case VALUE, RANK -> System.arraycopy(inSpace, 0, answer, 0, inSpace.length);
            case LOGIT -> {
                double sum = 0;
                for (int k = 0; k < inSpace.length; k++) {
                    answer[k] = Probabilities.sigmoid(inSpace[k]);
                    sum += answer[k];
                }
                if (combiner.task() == Task.MULTICLASS) {
                    for (int k = 0; k < inSpace.length; k++) {
                        answer[k] /= sum;
                    }
                }
            }
            case LOG -> {
                double sum = 0;
                for (int k = 0; k < inSpace.length; k++) {
                    answer[k] = Math.exp(inSpace[k]);
                    sum += answer[k];
                }
                for (int k = 0; k < inSpace.length; k++) {
                    answer[k] /= sum;
                }
            }
        }
        return answer;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNotAllocateWhileCombining(Kind kind) {
        final int calls = 2_000;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Task task : kind.tasks) {
            Case c = randomCase(kind, task, 256, 3, 99);
            Combiner combiner = c.combiner();
            ScoreMatrix scores = c.matrix();
            boolean[] present = c.present();
            ScoreMatrix out = new ScoreMatrix(1, c.outputs(), 256);
            for (int i = 0; i < 200; i++) {
                combiner.combine(scores, present, null, out); // warm up: class init, first-call linkage, JIT
            }
            long baseline = measure(threads, () -> {});
            long allocated = measure(threads, () -> {
                for (int i = 0; i < calls; i++) {
                    combiner.combine(scores, present, null, out);
                }
            });
            // One allocation per call would be at least 16 bytes x calls; a few hundred stray bytes
            // (the JVM's own bookkeeping while it compiles the loop) are not the combiner's.
            assertThat(allocated - baseline).as("%s %s bytes over %d calls", kind, task, calls).isLessThan(calls);
        }
    }

    private static long measure(com.sun.management.ThreadMXBean threads, Runnable work) {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static void assertSameOutputs(ScoreMatrix actual, ScoreMatrix expected) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        for (int k = 0; k < expected.outputs(); k++) {
            for (int row = 0; row < expected.rows(); row++) {
                float e = expected.get(0, k, row);
                assertThat(actual.get(0, k, row))
                        .as("row %d output %d", row, k)
                        .isCloseTo(e, within(1e-6f * Math.max(1, Math.abs(e))));
            }
        }
    }
}
