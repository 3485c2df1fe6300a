package dev.tutti.cpu.tree.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.cpu.tree.JavaTreeRuntimeProvider;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The adaptive evaluator switches kernels tile by tile during its trial and settles on one, and
 * its outputs are the reference's all along.
 */
class AdaptiveEvaluatorTest {

    @Test
    void outputsStayTheReferenceOnesBeforeDuringAndAfterTheTrial() throws Exception {
        GoldenSet golden = GoldenSet.load("telco");
        ModelSpec spec = golden.member("lightgbm");
        TreeEnsemble model = JavaTreeRuntimeProvider.parse(spec.format(), spec.artifact());
        // a clock that moves 50 ms per reading: every block seems to take as long, the warm-up time passes
        AtomicLong now = new AtomicLong();
        BatchTreeEvaluator evaluator = BatchTreeEvaluator.adaptive(model, () -> now.addAndGet(50_000_000));
        assertThat(evaluator.chosen()).isFalse();
        int width = golden.schema().width();
        int rows = golden.rows();
        double[] expected = new double[model.groups()];
        double[] margins = new double[rows];
        int passes = 0;
        while (!evaluator.chosen()) {
            FloatBuffer input = golden.encodedRows(0, rows);
            evaluator.margins(input, rows, width, margins);
            for (int r = 0; r < rows; r++) {
                model.margins(golden.encodedRow(r), expected);
                assertThat(margins[r]).as("pass %d row %d", passes, r).isEqualTo(expected[0]);
            }
            passes++;
            assertThat(passes).as("passes before the trial settles").isLessThan(100);
        }
        assertThat(evaluator.choice()).contains("TRAVERSAL").contains(" QUICKSCORER").contains("VQUICKSCORER").contains("median");
        evaluator.margins(golden.encodedRows(0, rows), rows, width, margins);
        for (int r = 0; r < rows; r++) {
            model.margins(golden.encodedRow(r), expected);
            assertThat(margins[r]).as("after the choice, row %d", r).isEqualTo(expected[0]);
        }
    }

    @Test
    void smallAndLargeCallsHaveTheirOwnTrialSoAStartUnderLightLoadDoesNotFixTheChoiceForFullBatches() throws Exception {
        GoldenSet golden = GoldenSet.load("telco");
        ModelSpec spec = golden.member("xgboost");
        TreeEnsemble model = JavaTreeRuntimeProvider.parse(spec.format(), spec.artifact());
        AtomicLong now = new AtomicLong();
        BatchTreeEvaluator evaluator = BatchTreeEvaluator.adaptive(model, () -> now.addAndGet(50_000_000));
        int width = golden.schema().width();
        double[] margins = new double[golden.rows()];
        double[] expected = new double[model.groups()];
        int calls = 0;
        while (!evaluator.chosen()) { // single rows, as a server sees them under light load
            int r = calls++ % golden.rows();
            evaluator.margins(golden.encodedRows(r, 1), 1, width, margins);
            model.margins(golden.encodedRow(r), expected);
            assertThat(margins[0]).as("single row %d", r).isEqualTo(expected[0]);
            assertThat(calls).as("single-row calls before the small-call trial settles").isLessThan(100_000);
        }
        assertThat(evaluator.choice()).startsWith("calls of fewer than 64 rows: ").contains("median");

        evaluator.margins(golden.encodedRows(0, 256), 256, width, margins); // the first full batch
        assertThat(evaluator.chosen()).as("full batches start their own trial").isFalse();
        int batches = 1;
        while (!evaluator.chosen()) {
            evaluator.margins(golden.encodedRows(0, 256), 256, width, margins);
            assertThat(batches++).as("batches before the large-call trial settles").isLessThan(1_000);
        }
        for (int r = 0; r < 256; r++) {
            model.margins(golden.encodedRow(r), expected);
            assertThat(margins[r]).as("after both choices, row %d", r).isEqualTo(expected[0]);
        }
        assertThat(evaluator.choice()).contains("calls of 64 rows or more: ").contains("; calls of fewer than 64 rows: ");
    }
}
