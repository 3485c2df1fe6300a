package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleUnavailableException;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.testing.GoldenSet;
import org.junit.jupiter.api.Test;

/**
 * Members that throw or return invalid scores are dropped from the batch, the others' weights are
 * renormalised, the answer says which members are missing, and when none is left the request fails
 * with an explicit error. Faults are injected around the real runtimes.
 */
class MemberFailureTest {
    private static final String[] MEMBERS = {"mlp-onnx", "mlp-torchscript", "xgboost", "lightgbm", "logistic"};

    private static Ensemble telcoWith(String victim, FaultInjector.Fault fault) throws Exception {
        return new FaultInjector().set(victim, fault).load("telco-churn");
    }

    @Test
    void shouldDropAFailingMemberAndRenormaliseTheOthersWeights() throws Exception {
        GoldenSet golden = GoldenSet.load("telco");
        try (Ensemble ensemble = telcoWith("xgboost", FaultInjector.Fault.THROW)) {
            double[] weight = new double[MEMBERS.length];
            double[][] reference = new double[MEMBERS.length][];
            for (int m = 0; m < MEMBERS.length; m++) {
                weight[m] = ensemble.manifest().combiner().weight(m);
                reference[m] = golden.column(MEMBERS[m]);
            }
            int rows = 100;
            Predictions p = new Predictions(ensemble, rows);
            ensemble.newScorer(rows).score(golden.encodedRows(0, rows), rows, p);
            assertThat(p.degraded()).isTrue();
            assertThat(p.membersMissing()).containsExactly("xgboost");
            assertThat(p.membersUsed()).containsExactly("mlp-onnx", "mlp-torchscript", "lightgbm", "logistic");
            assertThat(p.memberError(2)).contains("injected fault");
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                double total = 0;
                for (int m = 0; m < MEMBERS.length; m++) {
                    if (!MEMBERS[m].equals("xgboost")) {
                        sum += weight[m] * reference[m][r];
                        total += weight[m];
                    }
                }
                assertThat((double) p.value(r)).isCloseTo(sum / total, offset(1e-5));
                assertThat(p.memberOutput(2, 0, r)).isNaN();
            }
        }
    }

    @Test
    void shouldDropAMemberThatReturnsNaN() throws Exception {
        try (Ensemble ensemble = telcoWith("mlp-onnx", FaultInjector.Fault.NAN)) {
            Predictions p = ensemble.predict(new float[][] {GoldenSet.load("telco").encodedRow(3)}, false);
            assertThat(p.membersMissing()).containsExactly("mlp-onnx");
            assertThat(p.memberError(0)).contains("invalid score NaN");
            assertThat(p.value(0)).isBetween(0f, 1f);
        }
    }

    @Test
    void shouldDropAMemberWhoseProbabilityIsOutsideZeroToOne() throws Exception {
        try (Ensemble ensemble = telcoWith("logistic", FaultInjector.Fault.OUT_OF_RANGE)) {
            Predictions p = ensemble.predict(new float[][] {GoldenSet.load("telco").encodedRow(3)}, false);
            assertThat(p.membersMissing()).containsExactly("logistic");
            assertThat(p.memberError(4)).contains("[0, 1]");
        }
    }

    @Test
    void shouldFailExplicitlyWhenNoMemberAnswers() throws Exception {
        try (Ensemble ensemble = telcoWith("*", FaultInjector.Fault.THROW)) {
            float[][] rows = {GoldenSet.load("telco").encodedRow(3)};
            assertThatThrownBy(() -> ensemble.predict(rows, false))
                    .isInstanceOf(EnsembleUnavailableException.class)
                    .hasMessageContaining("telco-churn@1")
                    .hasMessageContaining("mlp-onnx@1 (injected fault")
                    .hasMessageContaining("logistic@1 (injected fault");
        }
    }
}
