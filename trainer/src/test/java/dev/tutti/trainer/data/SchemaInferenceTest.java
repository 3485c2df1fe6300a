package dev.tutti.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaInferenceTest {
    @TempDir
    Path dir;

    private CsvTable csv(String... lines) throws Exception {
        Path file = dir.resolve("data.csv");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return CsvTable.read(file);
    }

    @Test
    void shouldInferNumericAndCategoricalColumnsWithMissingValuesAndSortedClasses() throws Exception {
        CsvTable table = csv(
                "age,home,income,y",
                "30,rent,NA,yes",
                ",owner,1200.5,no",
                "41,NA,800,yes",
                "52,rent,,no",
                "NaN,other,950,no");

        TableSchema schema = SchemaInference.infer(table, "y", null, List.of());

        assertThat(schema.task()).isEqualTo(Task.BINARY);
        assertThat(schema.classes()).containsExactly("no", "yes");
        assertThat(schema.features().features()).extracting(FeatureSpec::name).containsExactly("age", "home", "income");
        assertThat(schema.features().feature(0).isCategorical()).isFalse();
        assertThat(schema.features().feature(1).categories()).containsExactly("other", "owner", "rent");
        assertThat(schema.features().features()).allSatisfy(f -> assertThat(f.missingAllowed()).isTrue());
        assertThat(schema.features().feature(1).unknownAsMissing()).isTrue();
        assertThat(schema.missingCounts()).containsEntry("age", 2).containsEntry("home", 1).containsEntry("income", 2);

        Dataset data = Dataset.encode(table, schema);
        assertThat(data.value(1, 0)).isNaN();
        assertThat(data.value(2, 1)).isNaN();
        assertThat(data.value(0, 1)).isEqualTo(2f); // "rent" is the third label
        assertThat(data.target(0)).isEqualTo(1.0); // "yes" is the second class
    }

    @Test
    void shouldInferTheTaskFromTheTarget() throws Exception {
        assertThat(SchemaInference.infer(csv("x,y", "1,3.5", "2,7", "3,1.25"), "y", null, List.of()).task()).isEqualTo(Task.REGRESSION);
        assertThat(SchemaInference.infer(csv("x,y", "1,a", "2,c", "3,b"), "y", null, List.of()).classes()).containsExactly("a", "b", "c");
        TableSchema numericClasses = SchemaInference.infer(csv("x,y", "1,10", "2,9", "3,10"), "y", null, List.of());
        assertThat(numericClasses.task()).isEqualTo(Task.BINARY);
        assertThat(numericClasses.classes()).containsExactly("9", "10");
        assertThat(SchemaInference.infer(csv("x,y", "1,1", "2,2", "3,3"), "y", Task.MULTICLASS, List.of()).classes())
                .containsExactly("1", "2", "3");
    }

    @Test
    void shouldLeaveOutIgnoredColumns() throws Exception {
        TableSchema schema = SchemaInference.infer(csv("id,x,y", "a1,1,0", "a2,2,1", "a3,3,0"), "y", null, List.of("id"));
        assertThat(schema.features().features()).extracting(FeatureSpec::name).containsExactly("x");
    }

    @Test
    void shouldNameTheMissingTargetColumnAndListTheColumns() throws Exception {
        CsvTable table = csv("a,b", "1,2", "3,4");
        assertThatThrownBy(() -> SchemaInference.infer(table, "churn", null, List.of()))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("no target column 'churn'").hasMessageContaining("[a, b]");
    }

    @Test
    void shouldRefuseAConstantTarget() throws Exception {
        CsvTable table = csv("x,y", "1,same", "2,same", "3,same");
        assertThatThrownBy(() -> SchemaInference.infer(table, "y", null, List.of()))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("'y' has one value ('same') in all 3 rows");
    }

    @Test
    void shouldNameTheLineOfAMissingTarget() throws Exception {
        CsvTable table = csv("x,y", "1,a", "2,b", "3,NA");
        assertThatThrownBy(() -> SchemaInference.infer(table, "y", null, List.of()))
                .hasMessageContaining("line 4").hasMessageContaining("target 'y' is missing");
    }

    @Test
    void shouldNameTheLineOfATextCellInANumericColumn() throws Exception {
        List<String> lines = new java.util.ArrayList<>(List.of("x,y"));
        for (int i = 0; i < 300; i++) {
            lines.add((i == 150 ? "\"12,5\"" : Integer.toString(i)) + "," + (i % 2));
        }
        CsvTable table = csv(lines.toArray(String[]::new));
        assertThatThrownBy(() -> SchemaInference.infer(table, "y", null, List.of()))
                .hasMessageContaining("line 152").hasMessageContaining("column 'x' is '12,5'");
    }

    @Test
    void shouldNameTheLineOfARowWithTheWrongNumberOfCells() throws Exception {
        assertThatThrownBy(() -> csv("x,y", "1,0", "2,1,extra", "3,0"))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("line 3 has 3 cells; the header has 2 columns");
    }

    @Test
    void shouldNameTheLineOfAnUnparsableRecord() throws Exception {
        assertThatThrownBy(() -> csv("x,y", "1,0", "2,\"unterminated", "3,0"))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void shouldRefuseAnEmptyColumnAndAnIdentifierLikeColumn() throws Exception {
        assertThatThrownBy(() -> SchemaInference.infer(csv("x,e,y", "1,,0", "2,NA,1"), "y", null, List.of()))
                .hasMessageContaining("column 'e' is empty in every row").hasMessageContaining("--ignore e");
        List<String> lines = new java.util.ArrayList<>(List.of("id,y"));
        for (int i = 0; i <= SchemaInference.MAX_CATEGORIES; i++) {
            lines.add("c" + i + "," + (i % 2));
        }
        assertThatThrownBy(() -> SchemaInference.infer(csv(lines.toArray(String[]::new)), "y", null, List.of()))
                .hasMessageContaining("'id' has 1001 distinct labels");
    }
}
