package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.schema.InvalidInputException.Reason;
import dev.tutti.engine.schema.TextRowEncoder;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows that must not be scored are refused with an error naming the feature and the row, and a
 * refused batch costs nothing: the same scorer serves the next good batch correctly.
 */
class BadInputTest {
    private static GoldenSet golden;
    private static Ensemble telco;

    @BeforeAll
    static void load() throws Exception {
        golden = GoldenSet.load("telco");
        telco = BundledEnsembles.load("telco-churn");
    }

    @AfterAll
    static void close() {
        telco.close();
    }

    private static float[] row(int index) {
        return golden.encodedRow(index);
    }

    @Test
    void shouldRejectARowOfTheWrongWidth() {
        float[][] rows = {row(0), java.util.Arrays.copyOf(row(1), 18)};
        assertThatThrownBy(() -> telco.predict(rows, false))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.WRONG_WIDTH);
                    assertThat(e.row()).isEqualTo(1);
                })
                .hasMessageContaining("18 values").hasMessageContaining("19 features");
    }

    @Test
    void shouldRejectAnUnknownCategoryCodeNamingTheFeature() {
        float[] bad = row(2);
        bad[telco.manifest().schema().indexOf("contract")] = 3; // contract has codes 0..2
        assertThatThrownBy(() -> telco.predict(new float[][] {row(0), row(1), bad}, false))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CATEGORY);
                    assertThat(e.feature()).isEqualTo("contract");
                    assertThat(e.row()).isEqualTo(2);
                })
                .hasMessageContaining("'contract'").hasMessageContaining("row 2");
    }

    @Test
    void shouldRejectANonIntegerCategoryCode() {
        float[] bad = row(0);
        bad[telco.manifest().schema().indexOf("payment_method")] = 1.5f;
        assertThatThrownBy(() -> telco.predict(new float[][] {bad}, false))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("payment_method");
    }

    @Test
    void shouldRejectInfinityEvenWhereMissingValuesAreAllowed() {
        float[] bad = row(0);
        bad[telco.manifest().schema().indexOf("monthly_charges")] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> telco.predict(new float[][] {bad}, false))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FINITE))
                .hasMessageContaining("monthly_charges");
    }

    @Test
    void shouldAcceptMissingValuesWhereTheSchemaAllowsThem() {
        float[] withMissing = row(0);
        withMissing[telco.manifest().schema().indexOf("total_charges")] = Float.NaN;
        withMissing[telco.manifest().schema().indexOf("contract")] = Float.NaN;
        Predictions p = telco.predict(new float[][] {withMissing}, false);
        assertThat(p.value(0)).isBetween(0f, 1f);
        assertThat(p.degraded()).isFalse();
    }

    @Test
    void shouldRejectMissingValuesWhereTheSchemaDoesNot(@TempDir Path dir) throws Exception {
        Path copy = BundledEnsembles.copy("telco-churn", dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(copy.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.at("/schema/features/4")).put("missing", false); // tenure
        json.writeValue(copy.resolve("manifest.json").toFile(), manifest);
        try (Ensemble strict = EnsembleLoader.withDiscoveredRuntimes().load(copy)) {
            float[] bad = row(0);
            bad[4] = Float.NaN;
            assertThatThrownBy(() -> strict.predict(new float[][] {row(1), bad}, false))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MISSING_NOT_ALLOWED);
                        assertThat(e.feature()).isEqualTo("tenure");
                        assertThat(e.row()).isEqualTo(1);
                    });
        }
    }

    @Test
    void shouldRejectUnknownLabelsAndTextInNumericFeaturesWhenEncodingText() {
        TextRowEncoder encoder = new TextRowEncoder(telco.manifest().schema(), golden.header());
        FloatBuffer out = FloatBuffer.allocate(19);
        List<String> cells = new ArrayList<>(golden.rawRow(0));
        cells.set(golden.header().indexOf("contract"), "Three year");
        assertThatThrownBy(() -> encoder.encode(cells, 7, out, 0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.feature()).isEqualTo("contract"))
                .hasMessageContaining("'Three year'").hasMessageContaining("Month-to-month");
        List<String> text = new ArrayList<>(golden.rawRow(0));
        text.set(golden.header().indexOf("tenure"), "twelve");
        assertThatThrownBy(() -> encoder.encode(text, 7, out, 0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_A_NUMBER))
                .hasMessageContaining("tenure").hasMessageContaining("row 7");
    }

    @Test
    void shouldServeTheNextBatchCorrectlyAfterARefusedOne() {
        float[] bad = row(0);
        bad[0] = Float.NEGATIVE_INFINITY;
        Predictions before = telco.predict(new float[][] {row(5)}, false);
        assertThatThrownBy(() -> telco.predict(new float[][] {row(5), bad}, false)).isInstanceOf(InvalidInputException.class);
        Predictions after = telco.predict(new float[][] {row(5)}, false);
        assertThat(after.value(0)).isEqualTo(before.value(0));
    }
}
