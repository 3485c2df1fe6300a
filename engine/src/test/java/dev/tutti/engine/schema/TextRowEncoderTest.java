package dev.tutti.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tutti.engine.schema.InvalidInputException.Reason;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextRowEncoderTest {
    /** age: numeric, missing allowed; income: numeric, no missing; contract: categorical, no missing. */
    private static final InputSchema SCHEMA = new InputSchema(List.of(
            FeatureSpec.numeric("age", true),
            FeatureSpec.numeric("income", false),
            FeatureSpec.categorical("contract", List.of("Month-to-month", "One year", "Two year"), false)));

    private static float[] encode(TextRowEncoder encoder, List<String> cells) {
        float[] out = new float[SCHEMA.width()];
        encoder.encode(cells, 0, FloatBuffer.wrap(out), 0);
        return out;
    }

    private static InvalidInputException refusal(TextRowEncoder encoder, List<String> cells, int row) {
        return catchThrowableOfType(InvalidInputException.class,
                () -> encoder.encode(cells, row, FloatBuffer.allocate(SCHEMA.width()), 0));
    }

    private static TextRowEncoder inOrder() {
        return TextRowEncoder.inSchemaOrder(SCHEMA);
    }

    @Test
    void shouldEncodeNumbersAndLabelsInSchemaOrder() {
        assertThat(encode(inOrder(), List.of("42", "1234.5", "Two year"))).containsExactly(42f, 1234.5f, 2f);
    }

    @Test
    void shouldMatchAHeaderInAnyOrderAndIgnoreAndReportExtraColumns() {
        TextRowEncoder encoder = new TextRowEncoder(SCHEMA, List.of("id", "contract", "income", "label", "age"));

        float[] row = encode(encoder, List.of("c-17", "One year", "99.5", "churned", "30"));

        assertThat(row).containsExactly(30f, 99.5f, 1f);
        assertThat(encoder.ignoredColumns()).containsExactly("id", "label");
    }

    @Test
    void shouldReportNoIgnoredColumnsWhenTheHeaderIsExactlyTheSchema() {
        assertThat(inOrder().ignoredColumns()).isEmpty();
    }

    @Test
    void shouldWriteAtTheGivenOffset() {
        float[] out = {-1f, -1f, -1f, -1f, -1f};

        inOrder().encode(List.of("1", "2", "Month-to-month"), 0, FloatBuffer.wrap(out), 2);

        assertThat(out).containsExactly(-1f, -1f, 1f, 2f, 0f);
    }

    @Test
    void shouldRefuseAHeaderWithoutAFeatureColumnAndNameTheFeature() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> new TextRowEncoder(SCHEMA, List.of("age", "contract", "extra")));

        assertThat(e.reason()).isEqualTo(Reason.MISSING_FEATURE);
        assertThat(e.feature()).isEqualTo("income");
        assertThat(e.row()).isEqualTo(-1);
        assertThat(e).hasMessageContaining("income");
    }

    @Test
    void shouldListEveryFeatureColumnTheHeaderLacks() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> new TextRowEncoder(SCHEMA, List.of("income")));

        assertThat(e.reason()).isEqualTo(Reason.MISSING_FEATURE);
        assertThat(e.feature()).isEqualTo("age");
        assertThat(e).hasMessageContaining("features age, contract");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "NA", "na", "NaN", "nan", "NAN", "null", "NULL", "Null", "none", "None"})
    void shouldReadAMissingMarkerAsNaN(String marker) {
        float[] row = encode(inOrder(), List.of(marker, "1", "One year"));

        assertThat(row[0]).isNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "NA", "NaN", "null"})
    void shouldRefuseAMissingMarkerForAFeatureThatDoesNotAllowMissingValues(String marker) {
        InvalidInputException e = refusal(inOrder(), List.of("1", marker, "One year"), 4);

        assertThat(e.reason()).isEqualTo(Reason.MISSING_NOT_ALLOWED);
        assertThat(e.feature()).isEqualTo("income");
        assertThat(e.row()).isEqualTo(4);
        assertThat(e).hasMessageContaining("'income'").hasMessageContaining("row 4");
    }

    @Test
    void shouldReadAMissingMarkerOfACategoricalFeatureAsNaNWhenItAllowsMissingValues() {
        InputSchema schema = new InputSchema(List.of(FeatureSpec.categorical("contract", List.of("a", "b"), true)));
        float[] out = new float[1];

        TextRowEncoder.inSchemaOrder(schema).encode(List.of("NA"), 0, FloatBuffer.wrap(out), 0);

        assertThat(out[0]).isNaN();
    }

    @Test
    void shouldRefuseAnUnknownLabelListingTheKnownCategories() {
        InvalidInputException e = refusal(inOrder(), List.of("1", "2", "Three year"), 9);

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CATEGORY);
        assertThat(e.feature()).isEqualTo("contract");
        assertThat(e.row()).isEqualTo(9);
        assertThat(e).hasMessageContaining("'Three year'")
                .hasMessageContaining("row 9")
                .hasMessageContaining("Month-to-month")
                .hasMessageContaining("One year")
                .hasMessageContaining("Two year");
    }

    @Test
    void shouldMatchLabelsCaseSensitively() {
        InvalidInputException e = refusal(inOrder(), List.of("1", "2", "one year"), 0);

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CATEGORY);
    }

    @Test
    void shouldReadAnUnknownLabelAsNaNWhenTheFeatureTreatsUnknownAsMissing() {
        InputSchema schema = new InputSchema(
                List.of(new FeatureSpec("contract", FeatureType.CATEGORICAL, List.of("a", "b"), true, true)));
        float[] out = {0f, 0f};

        TextRowEncoder encoder = TextRowEncoder.inSchemaOrder(schema);
        encoder.encode(List.of("zzz"), 0, FloatBuffer.wrap(out), 0);
        encoder.encode(List.of("b"), 1, FloatBuffer.wrap(out), 1);

        assertThat(out[0]).isNaN();
        assertThat(out[1]).isEqualTo(1f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1,5", "12abc", "--1", "one"})
    void shouldRefuseTextThatIsNotANumber(String text) {
        InvalidInputException e = refusal(inOrder(), List.of(text, "1", "One year"), 2);

        assertThat(e.reason()).isEqualTo(Reason.NOT_A_NUMBER);
        assertThat(e.feature()).isEqualTo("age");
        assertThat(e.row()).isEqualTo(2);
        assertThat(e).hasMessageContaining("'age'").hasMessageContaining("row 2").hasMessageContaining(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Infinity", "-Infinity", "1e39", "-1e39", "3.4028235677973366E38"})
    void shouldRefuseNumbersThatAreNotFiniteAsFloat32(String text) {
        InvalidInputException e = refusal(inOrder(), List.of(text, "1", "One year"), 6);

        assertThat(e.reason()).isEqualTo(Reason.NOT_FINITE);
        assertThat(e.feature()).isEqualTo("age");
        assertThat(e.row()).isEqualTo(6);
        assertThat(e).hasMessageContaining("'age'").hasMessageContaining("row 6");
    }

    @Test
    void shouldSayThatAFiniteDoubleIsBeyondTheFloat32Range() {
        InvalidInputException e = refusal(inOrder(), List.of("1e39", "1", "One year"), 0);

        assertThat(e).hasMessageContaining("beyond the float32 range");
    }

    @Test
    void shouldRoundTheDoubleValueToFloatRatherThanParseAFloatDirectly() {
        // 1.0000001788139343 lies just below the midpoint between two floats, but rounds to the
        // midpoint as a double, which then rounds (to even) to the upper float: pandas/NumPy read
        // the column as float64 and cast to float32, so the encoder must do the same.
        String text = "1.0000001788139343";
        float viaDouble = (float) Double.parseDouble(text);
        float direct = Float.parseFloat(text);
        assertThat(viaDouble).isNotEqualTo(direct);

        float[] row = encode(inOrder(), List.of(text, "0.1", "One year"));

        assertThat(Float.floatToRawIntBits(row[0])).isEqualTo(Float.floatToRawIntBits(viaDouble));
        assertThat(row[1]).isEqualTo((float) Double.parseDouble("0.1"));
    }

    @Test
    void shouldAcceptSurroundingWhitespaceAndScientificNotation() {
        float[] row = encode(inOrder(), List.of("  -2.5e3 ", " 7 ", "  Two year "));

        assertThat(row).containsExactly(-2500f, 7f, 2f);
    }

    @Test
    void shouldRefuseARowWithTooFewCells() {
        InvalidInputException e = refusal(inOrder(), List.of("1", "2"), 12);

        assertThat(e.reason()).isEqualTo(Reason.WRONG_WIDTH);
        assertThat(e.row()).isEqualTo(12);
        assertThat(e.feature()).isNull();
        assertThat(e).hasMessageContaining("row 12 has 2 cells");
    }

    @Test
    void shouldRefuseARowTooShortToReachAFeatureColumnAfterIgnoredOnes() {
        TextRowEncoder encoder = new TextRowEncoder(SCHEMA, List.of("id", "age", "income", "note", "contract"));

        InvalidInputException e = refusal(encoder, List.of("x", "1", "2", "n"), 1);

        assertThat(e.reason()).isEqualTo(Reason.WRONG_WIDTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "NA", "na", "N/A", "NaN", "null", "None", "<NA>", "#N/A", " NA "})
    void shouldRecogniseEveryMissingMarkerTheEncoderReadsAsNaN(String cell) {
        assertThat(TextRowEncoder.isMissingMarker(cell)).isTrue();
        assertThat(encode(inOrder(), List.of(cell, "1", "One year"))[0]).isNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "-0.5", "1e-3", " 7 ", "+3.", ".5"})
    void shouldCallFinitePlainDecimalsNumbers(String cell) {
        assertThat(TextRowEncoder.isFiniteNumber(cell)).isTrue();
        assertThat(TextRowEncoder.isMissingMarker(cell)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1f", "0x1p3", "inf", "-Infinity", "1e999", "NA", "", "1,5"})
    void shouldNotCallTextInfinitiesOrMissingMarkersFiniteNumbers(String cell) {
        assertThat(TextRowEncoder.isFiniteNumber(cell)).isFalse();
    }

    @Test
    void shouldRecognisePlainDecimalsExactlyAsTheNumberGrammarDoes() {
        // the hand-written fast path must accept exactly the finite part of the documented grammar
        java.util.regex.Pattern grammar = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
        java.util.Random random = new java.util.Random(7);
        String alphabet = "0123456789.+-eEx ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(7);
            for (int c = 0; c < length; c++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            assertThat(TextRowEncoder.isPlainDecimal(text)).as("'%s'", text).isEqualTo(grammar.matcher(text).matches());
        }
    }
}
