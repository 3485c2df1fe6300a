package dev.tutti.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ONNX, TorchScript and linear member of the golden fixtures reproduces its reference
 * library's outputs (PyTorch for both networks, scikit-learn for the logistic models), one row at a
 * time and in batches of 256, including rows with missing values.
 */
class NetworkAndLinearParityTest {
    private static final Set<String> FORMATS = Set.of(ModelFormats.ONNX, ModelFormats.TORCHSCRIPT, ModelFormats.LINEAR_JSON);
    /** float32 networks against PyTorch: the bound. */
    private static final double NETWORK_TOLERANCE = 1e-5;
    /** the linear model computes in double like scikit-learn; the golden file keeps 12 digits. */
    private static final double LINEAR_TOLERANCE = 1e-6;

    static Stream<Arguments> members() {
        return GoldenSet.DATASETS.stream()
                .map(GoldenSet::load)
                .flatMap(golden -> golden.members().stream()
                        .filter(m -> FORMATS.contains(m.format()))
                        .flatMap(m -> Stream.of(Arguments.of(golden.dataset(), m.name(), 1),
                                Arguments.of(golden.dataset(), m.name(), 256))));
    }

    @ParameterizedTest(name = "{0} {1} at batch {2}")
    @MethodSource("members")
    void shouldMatchReferenceLibrary(String dataset, String memberName, int batch) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec spec = golden.member(memberName);
        double tolerance = spec.format().equals(ModelFormats.LINEAR_JSON) ? LINEAR_TOLERANCE : NETWORK_TOLERANCE;
        ScoreMatrix scores = new ScoreMatrix(1, spec.outputs(), batch);
        MemberOutput out = new MemberOutput().wrap(scores, 0);
        List<double[]> reference = java.util.stream.IntStream.range(0, spec.outputs())
                .mapToObj(o -> golden.reference(spec, o)).toList();
        double worst = 0;
        int missingRows = 0;
        try (Member member = MemberRuntimes.discover().load(spec)) {
            for (int from = 0; from < golden.rows(); from += batch) {
                int rows = Math.min(batch, golden.rows() - from);
                scores.rows(rows);
                member.score(golden.encodedRows(from, rows), rows, out);
                for (int r = 0; r < rows; r++) {
                    missingRows += golden.split(from + r).equals("missing") && reference.size() > 0 ? 1 : 0;
                    for (int o = 0; o < spec.outputs(); o++) {
                        double error = Math.abs(scores.get(0, o, r) - reference.get(o)[from + r]);
                        worst = Math.max(worst, error);
                        assertThat(error)
                                .as("%s %s row %d output %d (%s)", dataset, memberName, from + r, o, golden.split(from + r))
                                .isLessThanOrEqualTo(tolerance);
                    }
                }
            }
        }
        assertThat(missingRows).as("rows with missing values covered").isGreaterThan(0);
        System.out.printf("parity %s %s batch %d: max |error| %.3g over %d rows%n", dataset, memberName, batch, worst, golden.rows());
    }
}
