package dev.tutti.engine.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureMappingTest {
    private static final float NAN = Float.NaN;

    /** tenure (numeric, missing), charges (numeric, no missing), contract (categorical, missing), flag (numeric, no missing). */
    private static final InputSchema ENSEMBLE = new InputSchema(List.of(
            FeatureSpec.numeric("tenure", true),
            FeatureSpec.numeric("charges", false),
            FeatureSpec.categorical("contract", List.of("Month-to-month", "One year", "Two year"), true),
            FeatureSpec.numeric("flag", false)));

    private static FloatBuffer direct(float... values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).clear();
        return buffer;
    }

    private static float[] contents(FloatBuffer buffer, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = buffer.get(i);
        }
        return out;
    }

    @Test
    void shouldBeTheIdentityForEqualSchemas() {
        InputSchema copy = new InputSchema(List.copyOf(ENSEMBLE.features()));

        FeatureMapping mapping = FeatureMapping.between(ENSEMBLE, copy, "m@1");

        assertThat(mapping.isIdentity()).isTrue();
        assertThat(mapping.warnings()).isEmpty();
    }

    @Test
    void shouldPickASubsetOfFeaturesInTheMembersOrder() {
        InputSchema member = new InputSchema(List.of(
                FeatureSpec.numeric("flag", false),
                FeatureSpec.numeric("tenure", true),
                FeatureSpec.numeric("charges", true)));
        FeatureMapping mapping = FeatureMapping.between(ENSEMBLE, member, "m@1");
        FloatBuffer in = direct(
                12f, 70.5f, 0f, 1f,
                NAN, 20.25f, 2f, 0f);
        FloatBuffer out = direct(new float[6]);

        mapping.apply(in, ENSEMBLE.width(), 2, out);

        assertThat(mapping.isIdentity()).isFalse();
        assertThat(mapping.warnings()).isEmpty();
        float[] rows = contents(out, 6);
        assertThat(rows[0]).isEqualTo(1f);
        assertThat(rows[1]).isEqualTo(12f);
        assertThat(rows[2]).isEqualTo(70.5f);
        assertThat(rows[3]).isEqualTo(0f);
        assertThat(rows[4]).isNaN();
        assertThat(rows[5]).isEqualTo(20.25f);
    }

    @Test
    void shouldTranslateCategoryCodesByLabelWhenTheMemberOrdersThemDifferently() {
        InputSchema member = new InputSchema(List.of(
                FeatureSpec.categorical("contract", List.of("Two year", "Month-to-month", "One year"), true)));
        FeatureMapping mapping = FeatureMapping.between(ENSEMBLE, member, "m@1");
        FloatBuffer in = direct(
                1f, 1f, 0f, 0f,   // Month-to-month
                1f, 1f, 1f, 0f,   // One year
                1f, 1f, 2f, 0f,   // Two year
                1f, 1f, NAN, 0f); // missing
        FloatBuffer out = direct(new float[4]);

        mapping.apply(in, ENSEMBLE.width(), 4, out);

        float[] codes = contents(out, 4);
        assertThat(codes[0]).isEqualTo(1f);
        assertThat(codes[1]).isEqualTo(2f);
        assertThat(codes[2]).isEqualTo(0f);
        assertThat(codes[3]).isNaN();
        assertThat(mapping.warnings()).isEmpty();
    }

    @Test
    void shouldSendACategoryUnknownToTheMemberAsMissingAndWarnAboutIt() {
        InputSchema member = new InputSchema(List.of(
                FeatureSpec.categorical("contract", List.of("One year", "Month-to-month"), true),
                FeatureSpec.numeric("tenure", true)));
        FeatureMapping mapping = FeatureMapping.between(ENSEMBLE, member, "legacy@3");
        FloatBuffer in = direct(
                5f, 1f, 2f, 0f,  // Two year: unknown to the member
                6f, 1f, 0f, 0f); // Month-to-month
        FloatBuffer out = direct(new float[4]);

        mapping.apply(in, ENSEMBLE.width(), 2, out);

        assertThat(mapping.warnings()).singleElement().asString()
                .contains("'Two year'", "'contract'", "legacy@3", "missing");
        float[] rows = contents(out, 4);
        assertThat(rows[0]).isNaN();
        assertThat(rows[1]).isEqualTo(5f);
        assertThat(rows[2]).isEqualTo(1f);
        assertThat(rows[3]).isEqualTo(6f);
    }

    @Test
    void shouldRefuseAMemberThatNeedsAFeatureTheEnsembleLacks() {
        InputSchema member = new InputSchema(List.of(FeatureSpec.numeric("tenure", true), FeatureSpec.numeric("age", true)));

        assertThatThrownBy(() -> FeatureMapping.between(ENSEMBLE, member, "m@2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("m@2", "'age'");
    }

    @Test
    void shouldRefuseAFeatureWhoseTypeDiffers() {
        InputSchema member = new InputSchema(List.of(
                new FeatureSpec("flag", FeatureType.CATEGORICAL, List.of("0", "1"), false, false)));

        assertThatThrownBy(() -> FeatureMapping.between(ENSEMBLE, member, "m@1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'flag'", "CATEGORICAL", "NUMERIC");
    }

    @Test
    void shouldRefuseAMemberThatRefusesMissingValuesTheEnsembleAllows() {
        InputSchema member = new InputSchema(List.of(FeatureSpec.numeric("tenure", false)));

        assertThatThrownBy(() -> FeatureMapping.between(ENSEMBLE, member, "m@1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("m@1", "'tenure'", "missing");
    }

    @Test
    void shouldAllowAMemberThatAcceptsMissingValuesTheEnsembleNeverSends() {
        InputSchema member = new InputSchema(List.of(FeatureSpec.numeric("charges", true)));

        assertThat(FeatureMapping.between(ENSEMBLE, member, "m@1").isIdentity()).isFalse();
    }

    @Test
    void shouldRefuseACategoryUnknownToAMemberThatRefusesMissingValues() {
        InputSchema ensemble = new InputSchema(List.of(
                FeatureSpec.categorical("contract", List.of("Month-to-month", "One year", "Two year"), false)));
        InputSchema member = new InputSchema(List.of(
                FeatureSpec.categorical("contract", List.of("Month-to-month", "One year"), false)));

        assertThatThrownBy(() -> FeatureMapping.between(ensemble, member, "m@1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'Two year'", "'contract'");
    }
}
