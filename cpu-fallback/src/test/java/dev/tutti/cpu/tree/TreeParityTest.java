package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeModelException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every XGBoost and LightGBM member of the golden fixtures, evaluated by the Java tree evaluator,
 * reproduces its reference library's outputs (XGBoost 1.7.4 python, LightGBM 3.3.5 lightgbmlib),
 * one row at a time and in batches of 256, including the rows with missing values: with every
 * evaluation the member option {@code algorithm} offers (the reference evaluator, each batch
 * algorithm, and {@code auto}, which times them on the first rows); {@code bitslice} on the members
 * it supports (categorical splits over categories 0 to 61, depth at most 12: telco's LightGBM member
 * among them).
 *
 * <p>Bounds: 1e-6 absolute. Member outputs are float32 (the engine's score matrix), so an output
 * whose magnitude makes one float32 ulp larger than that (diamonds prices in the thousands) is
 * allowed that one ulp; {@link #modelMatchesReferenceInDouble} checks the same rows before the
 * float32 store with the plain 1e-6 bound.
 */
class TreeParityTest {
    private static final double TOLERANCE = 1e-6;
    private static final JavaTreeRuntimeProvider PROVIDER = new JavaTreeRuntimeProvider();

    private static final List<String> EVALUATIONS = List.of("reference", "traversal", "quickscorer", "vquickscorer", "bitslice", "auto");

    static Stream<Arguments> members() {
        return GoldenSet.DATASETS.stream()
                .map(GoldenSet::load)
                .flatMap(golden -> golden.members().stream()
                        .filter(m -> PROVIDER.formats().contains(m.format()))
                        .flatMap(m -> EVALUATIONS.stream()
                                .filter(e -> !e.equals("bitslice") || TreeAlgorithm.BITSLICE.supports(parse(m)))
                                .map(e -> Arguments.of(golden.dataset(), m.name(), e))));
    }

    private static TreeEnsemble parse(ModelSpec m) {
        try {
            return JavaTreeRuntimeProvider.parse(m.format(), m.artifact());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> models() {
        return GoldenSet.DATASETS.stream()
                .map(GoldenSet::load)
                .flatMap(golden -> golden.members().stream()
                        .filter(m -> PROVIDER.formats().contains(m.format()))
                        .map(m -> Arguments.of(golden.dataset(), m.name())));
    }

    @ParameterizedTest(name = "{0} {1}, algorithm {2}")
    @MethodSource("members")
    void memberMatchesReferenceLibrary(String dataset, String memberName, String algorithm) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec goldenSpec = golden.member(memberName);
        Map<String, String> options = new HashMap<>(goldenSpec.options());
        options.put(TreeEvaluation.OPTION, algorithm);
        ModelSpec spec = new ModelSpec(goldenSpec.name(), goldenSpec.version(), goldenSpec.format(), goldenSpec.artifact(),
                goldenSpec.sha256(), goldenSpec.schema(), goldenSpec.task(), goldenSpec.classes(), options);
        List<double[]> reference = IntStream.range(0, spec.outputs()).mapToObj(o -> golden.reference(spec, o)).toList();
        try (Member member = PROVIDER.load(spec)) {
            for (int batch : new int[] {1, 256}) {
                ScoreMatrix scores = new ScoreMatrix(1, spec.outputs(), batch);
                MemberOutput out = new MemberOutput().wrap(scores, 0);
                double worst = 0;
                int missingRows = 0;
                for (int from = 0; from < golden.rows(); from += batch) {
                    int rows = Math.min(batch, golden.rows() - from);
                    scores.rows(rows);
                    member.score(golden.encodedRows(from, rows), rows, out);
                    for (int r = 0; r < rows; r++) {
                        missingRows += golden.split(from + r).equals("missing") ? 1 : 0;
                        for (int o = 0; o < spec.outputs(); o++) {
                            double expected = reference.get(o)[from + r];
                            double error = Math.abs(scores.get(0, o, r) - expected);
                            worst = Math.max(worst, error);
                            assertThat(error)
                                    .as("%s %s (%s) row %d output %d (%s): %s vs reference %s", dataset, memberName, algorithm,
                                            from + r, o, golden.split(from + r), scores.get(0, o, r), expected)
                                    .isLessThanOrEqualTo(Math.max(TOLERANCE, Math.ulp((float) expected)));
                        }
                    }
                }
                assertThat(missingRows).as("rows with missing values covered").isGreaterThan(0);
                System.out.printf("tree parity %s %s (%s) batch %d: max |error| %.3g over %d rows%n", dataset, memberName,
                        ((TreeMember) member).evaluation(), batch, worst, golden.rows());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void modelMatchesReferenceInDouble(String dataset, String memberName) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec spec = golden.member(memberName);
        TreeEnsemble model = JavaTreeRuntimeProvider.parse(spec.format(), spec.artifact());
        double[] out = new double[model.groups()];
        double worst = 0;
        for (int o = 0; o < spec.outputs(); o++) {
            double[] reference = golden.reference(spec, o);
            for (int r = 0; r < golden.rows(); r++) {
                model.predict(golden.encodedRow(r), out);
                double error = Math.abs(out[o] - reference[r]);
                worst = Math.max(worst, error);
                assertThat(error).as("%s %s row %d output %d (%s)", dataset, memberName, r, o, golden.split(r))
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
        System.out.printf("tree parity %s %s (%s) in double: max |error| %.3g%n", dataset, memberName, model.description(),
                worst);
    }
}
