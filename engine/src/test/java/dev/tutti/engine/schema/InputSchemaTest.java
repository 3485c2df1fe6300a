package dev.tutti.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tutti.engine.schema.InvalidInputException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputSchemaTest {
    private static final float NAN = Float.NaN;

    /** age: numeric, missing allowed; income: numeric, no missing; color: categorical, rejects unknown;
     * size: categorical, unknown as missing. */
    private static final InputSchema SCHEMA = new InputSchema(List.of(
            FeatureSpec.numeric("age", true),
            FeatureSpec.numeric("income", false),
            FeatureSpec.categorical("color", List.of("red", "green", "blue"), false),
            new FeatureSpec("size", FeatureType.CATEGORICAL, List.of("S", "M", "L"), true, true)));

    private static FloatBuffer direct(float... values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).clear();
        return buffer;
    }

    private static InvalidInputException refusal(float[] row, int rowIndex) {
        return catchThrowableOfType(InvalidInputException.class, () -> SCHEMA.validateRow(row, rowIndex));
    }

    @Test
    void shouldDescribeItsFeaturesInOrder() {
        assertThat(SCHEMA.width()).isEqualTo(4);
        assertThat(SCHEMA.indexOf("color")).isEqualTo(2);
        assertThat(SCHEMA.indexOf("weight")).isEqualTo(-1);
        assertThat(SCHEMA.feature(3).name()).isEqualTo("size");
    }

    @Test
    void shouldAcceptAValidRowAndLeaveItUnchanged() {
        float[] row = {42.5f, 1000f, 2f, 0f};

        SCHEMA.validateRow(row, 0);

        assertThat(row).containsExactly(42.5f, 1000f, 2f, 0f);
    }

    @Test
    void shouldAcceptNaNWhereTheFeatureAllowsMissingValues() {
        float[] row = {NAN, 1f, 0f, NAN};

        SCHEMA.validateRow(row, 0);

        assertThat(row[0]).isNaN();
        assertThat(row[3]).isNaN();
    }

    @Test
    void shouldRefuseNaNWhereTheFeatureDoesNotAllowMissingValues() {
        InvalidInputException e = refusal(new float[] {1f, NAN, 0f, 0f}, 7);

        assertThat(e.reason()).isEqualTo(Reason.MISSING_NOT_ALLOWED);
        assertThat(e.feature()).isEqualTo("income");
        assertThat(e.row()).isEqualTo(7);
        assertThat(e).hasMessageContaining("'income'").hasMessageContaining("row 7");
    }

    @Test
    void shouldRefuseNaNForACategoricalFeatureThatDoesNotAllowMissingValues() {
        InvalidInputException e = refusal(new float[] {1f, 1f, NAN, 0f}, 0);

        assertThat(e.reason()).isEqualTo(Reason.MISSING_NOT_ALLOWED);
        assertThat(e.feature()).isEqualTo("color");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void shouldAlwaysRefuseInfinityEvenWhereMissingValuesAreAllowed(float infinity) {
        InvalidInputException e = refusal(new float[] {infinity, 1f, 0f, 0f}, 3);

        assertThat(e.reason()).isEqualTo(Reason.NOT_FINITE);
        assertThat(e.feature()).isEqualTo("age");
        assertThat(e.row()).isEqualTo(3);
        assertThat(e).hasMessageContaining("'age'").hasMessageContaining("Infinity").hasMessageContaining("row 3");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void shouldRefuseInfinityForACategoricalFeatureThatTreatsUnknownCodesAsMissing(float infinity) {
        InvalidInputException e = refusal(new float[] {1f, 1f, 0f, infinity}, 0);

        assertThat(e.reason()).isEqualTo(Reason.NOT_FINITE);
        assertThat(e.feature()).isEqualTo("size");
    }

    @ParameterizedTest
    @ValueSource(floats = {3f, -1f, 1.5f, 100f, 0.0001f})
    void shouldRefuseACategoricalCodeThatIsNotAnIntegerInRange(float code) {
        InvalidInputException e = refusal(new float[] {1f, 1f, code, 0f}, 11);

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CATEGORY);
        assertThat(e.feature()).isEqualTo("color");
        assertThat(e.row()).isEqualTo(11);
        assertThat(e).hasMessageContaining("'color'").hasMessageContaining("row 11").hasMessageContaining("0..2");
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 1f, 2f})
    void shouldAcceptEveryIntegerCodeInRange(float code) {
        float[] row = {1f, 1f, code, code};

        assertThatNoException().isThrownBy(() -> SCHEMA.validateRow(row, 0));
        assertThat(row[2]).isEqualTo(code);
        assertThat(row[3]).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(floats = {3f, -1f, 1.5f})
    void shouldReplaceAnUnknownCodeByNaNInPlaceWhenTheFeatureTreatsUnknownAsMissing(float code) {
        float[] row = {1f, 1f, 0f, code};

        SCHEMA.validateRow(row, 0);

        assertThat(row[3]).isNaN();
        assertThat(row[0]).isEqualTo(1f);
    }

    @Test
    void shouldReplaceUnknownCodesInPlaceInABuffer() {
        FloatBuffer buffer = direct(
                1f, 2f, 0f, 1f,
                3f, 4f, 1f, 7f,
                5f, 6f, 2f, 2f);

        SCHEMA.validate(buffer, 3, 0);

        assertThat(buffer.get(3)).isEqualTo(1f);
        assertThat(buffer.get(7)).isNaN();
        assertThat(buffer.get(11)).isEqualTo(2f);
        assertThat(buffer.get(4)).isEqualTo(3f);
    }

    @Test
    void shouldNameTheOffendingRowOfABufferOffsetByFirstRow() {
        FloatBuffer buffer = direct(
                1f, 2f, 0f, 1f,
                3f, 4f, 1f, 1f,
                5f, 6f, 9f, 2f);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> SCHEMA.validate(buffer, 3, 100));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_CATEGORY);
        assertThat(e.feature()).isEqualTo("color");
        assertThat(e.row()).isEqualTo(102);
        assertThat(e).hasMessageContaining("row 102");
    }

    @Test
    void shouldOnlyValidateTheGivenNumberOfRows() {
        FloatBuffer buffer = direct(
                1f, 2f, 0f, 1f,
                NAN, NAN, NAN, NAN);

        assertThatNoException().isThrownBy(() -> SCHEMA.validate(buffer, 1, 0));
    }

    @Test
    void shouldReportTheFirstOffendingFeatureOfARow() {
        InvalidInputException e = refusal(new float[] {Float.POSITIVE_INFINITY, NAN, 9f, 0f}, 0);

        assertThat(e.feature()).isEqualTo("age");
    }

    @Test
    void shouldRefuseARowOfTheWrongWidth() {
        InvalidInputException e = refusal(new float[] {1f, 2f, 0f}, 5);

        assertThat(e.reason()).isEqualTo(Reason.WRONG_WIDTH);
        assertThat(e.feature()).isNull();
        assertThat(e.row()).isEqualTo(5);
        assertThat(e).hasMessageContaining("row 5 has 3 values").hasMessageContaining("4 features");
    }

    @Test
    void shouldCompareSchemasByTheirFeatures() {
        InputSchema same = new InputSchema(List.copyOf(SCHEMA.features()));
        InputSchema other = new InputSchema(List.of(FeatureSpec.numeric("age", false)));

        assertThat(same).isEqualTo(SCHEMA).hasSameHashCodeAs(SCHEMA);
        assertThat(other).isNotEqualTo(SCHEMA);
    }
}
