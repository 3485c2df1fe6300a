package dev.tutti.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {

    @Test
    void shouldRejectACategoryListedTwice() {
        assertThatThrownBy(() -> FeatureSpec.categorical("contract", List.of("monthly", "yearly", "monthly"), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'contract'")
                .hasMessageContaining("lists a category twice");
    }

    @Test
    void shouldRejectACategoricalFeatureWithoutCategories() {
        assertThatThrownBy(() -> FeatureSpec.categorical("contract", List.of(), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'contract'")
                .hasMessageContaining("no categories");
        assertThatThrownBy(() -> new FeatureSpec("contract", FeatureType.CATEGORICAL, null, true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no categories");
    }

    @Test
    void shouldRejectUnknownAsMissingWhenMissingValuesAreNotAllowed() {
        assertThatThrownBy(() -> new FeatureSpec("contract", FeatureType.CATEGORICAL, List.of("a", "b"), false, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'contract'")
                .hasMessageContaining("only when missing values are allowed");
    }

    @Test
    void shouldAcceptUnknownAsMissingWhenMissingValuesAreAllowed() {
        FeatureSpec spec = new FeatureSpec("contract", FeatureType.CATEGORICAL, List.of("a", "b"), true, true);

        assertThat(spec.unknownAsMissing()).isTrue();
        assertThat(spec.missingAllowed()).isTrue();
    }

    @Test
    void shouldRejectANumericFeatureThatListsCategories() {
        assertThatThrownBy(() -> new FeatureSpec("tenure", FeatureType.NUMERIC, List.of("a"), false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tenure'")
                .hasMessageContaining("must not list categories");
    }

    @Test
    void shouldRejectABlankOrNullName() {
        assertThatThrownBy(() -> FeatureSpec.numeric("  ", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> FeatureSpec.numeric(null, false)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldGiveEachLabelItsIndexAsCode() {
        FeatureSpec spec = FeatureSpec.categorical("contract", List.of("Month-to-month", "One year", "Two year"), false);

        assertThat(spec.code("Month-to-month")).isZero();
        assertThat(spec.code("Two year")).isEqualTo(2);
        assertThat(spec.code("Three year")).isEqualTo(-1);
        assertThat(spec.isCategorical()).isTrue();
        assertThat(FeatureSpec.numeric("tenure", true).isCategorical()).isFalse();
    }

    @Test
    void shouldCopyTheCategoriesSoLaterChangesToTheCallersListDoNotLeakIn() {
        List<String> labels = new ArrayList<>(List.of("a", "b"));
        FeatureSpec spec = FeatureSpec.categorical("f", labels, false);

        labels.add("c");

        assertThat(spec.categories()).containsExactly("a", "b");
    }

    @Test
    void shouldRefuseASchemaThatNamesAFeatureTwice() {
        assertThatThrownBy(() -> new InputSchema(List.of(FeatureSpec.numeric("x", false), FeatureSpec.numeric("x", true))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x' appears twice");
        assertThatThrownBy(() -> new InputSchema(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one feature");
    }
}
