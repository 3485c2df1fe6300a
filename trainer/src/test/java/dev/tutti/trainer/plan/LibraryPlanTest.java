package dev.tutti.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LibraryPlanTest {
    private static Map<String, Long> kinds(List<MemberRecipe> plan) {
        return plan.stream().collect(Collectors.groupingBy(
                r -> r.family().equals("lightgbm") && r.text("boosting").equals("rf") ? "rf" : r.family(), Collectors.counting()));
    }

    @Test
    void shouldGiveEveryKindToEveryNamedSize() {
        assertThat(LibraryPlan.forSize("small")).hasSize(5);
        assertThat(LibraryPlan.forSize("medium")).hasSizeGreaterThanOrEqualTo(10);
        assertThat(LibraryPlan.forSize("large")).hasSize(30);
        for (String size : List.of("small", "medium", "large")) {
            assertThat(kinds(LibraryPlan.forSize(size))).containsOnlyKeys("xgboost", "lightgbm", "rf", "linear", "mlp");
        }
    }

    @Test
    void shouldBuildHundredsOfDistinctDiverseMembersFromTheGrid() {
        List<MemberRecipe> plan = LibraryPlan.forSize("150");
        assertThat(plan).hasSize(150);
        assertThat(plan.stream().map(MemberRecipe::id).distinct().count()).isEqualTo(150);
        assertThat(kinds(plan)).allSatisfy((kind, count) -> assertThat(count).as(kind).isGreaterThanOrEqualTo(24));
        assertThat(plan.stream().filter(r -> r.family().equals("xgboost")).map(r -> r.integer("depth")).distinct().count()).isGreaterThan(3);
        assertThat(plan.stream().filter(r -> r.family().equals("xgboost")).map(r -> r.number("learningRate")).distinct().count()).isGreaterThan(3);
        assertThat(LibraryPlan.forSize("10")).isEqualTo(plan.subList(0, 10));
        assertThat(LibraryPlan.gridSize()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void shouldRefuseSizesItCannotBuild() {
        assertThatThrownBy(() -> LibraryPlan.forSize("huge")).hasMessageContaining("small, medium, large or a number");
        assertThatThrownBy(() -> LibraryPlan.forSize("0")).hasMessageContaining("the grid has 1 to");
        assertThatThrownBy(() -> LibraryPlan.forSize(Integer.toString(LibraryPlan.gridSize() + 1))).hasMessageContaining("the grid has 1 to");
    }
}
