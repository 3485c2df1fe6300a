package dev.tutti.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldsTest {
    @TempDir
    Path dir;

    private Dataset data(int rows, int positives) throws Exception {
        List<String> lines = new ArrayList<>(List.of("x,y"));
        for (int i = 0; i < rows; i++) {
            lines.add(i + "," + (i < positives ? "pos" : "neg"));
        }
        Path file = dir.resolve("d.csv");
        Files.write(file, lines, StandardCharsets.UTF_8);
        CsvTable table = CsvTable.read(file);
        return Dataset.encode(table, SchemaInference.infer(table, "y", null, List.of()));
    }

    @Test
    void shouldPutEveryRowInExactlyOneHeldOutFoldAndNeverInItsOwnTrainingRows() throws Exception {
        Dataset data = data(103, 20);
        Folds folds = Folds.assign(data, 5, 3);

        int[] heldOutCount = new int[data.rowCount()];
        for (int k = 0; k < 5; k++) {
            int[] held = folds.heldOutRows(k);
            int[] training = folds.trainingRows(k);
            assertThat(held.length + training.length).isEqualTo(data.rowCount());
            assertThat(IntStream.of(training).boxed().toList()).doesNotContainAnyElementsOf(IntStream.of(held).boxed().toList());
            assertThat(held.length).isBetween(20, 21);
            for (int r : held) {
                heldOutCount[r]++;
                assertThat(folds.foldOf(r)).isEqualTo(k);
            }
        }
        assertThat(heldOutCount).containsOnly(1);
    }

    @Test
    void shouldStratifyClassesAcrossFolds() throws Exception {
        Dataset data = data(100, 20);
        Folds folds = Folds.assign(data, 5, 3);
        for (int k = 0; k < 5; k++) {
            long positives = IntStream.of(folds.heldOutRows(k)).filter(r -> data.target(r) == 1).count();
            assertThat(positives).isEqualTo(4);
        }
    }

    @Test
    void shouldBeDeterministicForASeedAndDifferAcrossSeeds() throws Exception {
        Dataset data = data(200, 50);
        int[] a = IntStream.range(0, 200).map(Folds.assign(data, 4, 9)::foldOf).toArray();
        int[] b = IntStream.range(0, 200).map(Folds.assign(data, 4, 9)::foldOf).toArray();
        int[] c = IntStream.range(0, 200).map(Folds.assign(data, 4, 10)::foldOf).toArray();
        assertThat(a).isEqualTo(b);
        assertThat(Arrays.equals(a, c)).isFalse();
    }
}
