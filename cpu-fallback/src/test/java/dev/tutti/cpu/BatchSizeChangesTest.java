package dev.tutti.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The network members reuse their input and output buffers (and ONNX Runtime tensors) per batch
 * size: a batch of a size seen before, a new size, and a batch larger than any before (which
 * reallocates the buffers) all give the reference library's outputs.
 */
class BatchSizeChangesTest {
    private static final int[] SIZES = {5, 256, 5, 1, 300, 256, 7};

    @ParameterizedTest
    @ValueSource(strings = {"mlp-onnx", "mlp-torchscript"})
    void shouldMatchTheReferenceWhateverTheOrderOfBatchSizes(String memberName) throws Exception {
        GoldenSet golden = GoldenSet.load("telco");
        ModelSpec spec = golden.member(memberName);
        double[] reference = golden.reference(spec, 0);
        ScoreMatrix scores = new ScoreMatrix(1, 1, 300);
        MemberOutput out = new MemberOutput().wrap(scores, 0);
        try (Member member = MemberRuntimes.discover().load(spec)) {
            int from = 0;
            for (int size : SIZES) {
                int rows = Math.min(size, golden.rows() - from);
                scores.rows(rows);
                member.score(golden.encodedRows(from, rows), rows, out);
                for (int r = 0; r < rows; r++) {
                    assertThat((double) scores.get(0, 0, r)).as("%s batch of %d, row %d", memberName, rows, from + r)
                            .isCloseTo(reference[from + r], org.assertj.core.api.Assertions.within(1e-5));
                }
                from = (from + rows) % (golden.rows() - 300);
            }
        }
    }
}
