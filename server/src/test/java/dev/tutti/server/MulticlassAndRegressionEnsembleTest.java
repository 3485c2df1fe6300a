package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ensembles of the multiclass (letters, 26 classes) and regression (diamonds) tree fixtures,
 * assembled here from the fixture model files, against their reference libraries' outputs.
 */
class MulticlassAndRegressionEnsembleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes an ensemble version of the fixture's two tree members with the given combiner and classes. */
    private static Path ensemble(Path dir, String dataset, String task, List<String> classes, ObjectNode combiner) throws Exception {
        Path root = GoldenSet.repoRoot();
        ObjectNode manifest = JSON.createObjectNode().put("format", "tutti-ensemble").put("formatVersion", 1)
                .put("name", dataset).put("version", 1).put("task", task);
        ArrayNode classList = manifest.putArray("classes");
        classes.forEach(classList::add);
        manifest.set("schema", JSON.readTree(root.resolve("fixtures/golden/" + dataset + ".schema.json").toFile()));
        ArrayNode members = manifest.putArray("members");
        for (var m : JSON.readTree(root.resolve("fixtures/golden/" + dataset + ".members.json").toFile())) {
            Path source = root.resolve(m.get("artifact").asText());
            Path target = dir.resolve("members").resolve(m.get("name").asText()).resolve("1").resolve(source.getFileName());
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
            members.addObject().put("name", m.get("name").asText()).put("version", 1).put("format", m.get("format").asText())
                    .put("artifact", dir.relativize(target).toString()).put("sha256", Artifacts.sha256(target));
        }
        manifest.set("combiner", combiner);
        manifest.putObject("reference").put("spreadScale", 4000.0);
        JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
        return dir;
    }

    @Test
    void shouldAverageTwentySixClassProbabilitiesAndPredictTheArgmax(@TempDir Path dir) throws Exception {
        GoldenSet golden = GoldenSet.load("letters");
        List<String> letters = java.util.stream.IntStream.range(0, 26).mapToObj(i -> String.valueOf((char) ('A' + i))).toList();
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes()
                .load(ensemble(dir, "letters", "multiclass", letters, JSON.createObjectNode().put("type", "average")))) {
            int rows = golden.rows();
            Predictions p = new Predictions(ensemble, rows);
            ensemble.newScorer(rows).score(golden.encodedRows(0, rows), rows, 0, p, true);
            int correct = 0;
            for (int r = 0; r < rows; r++) {
                double best = -1;
                int argmax = -1;
                double sum = 0;
                for (int k = 0; k < 26; k++) {
                    double expected = (golden.column("xgboost.p" + k)[r] + golden.column("lightgbm.p" + k)[r]) / 2;
                    assertThat((double) p.probability(r, k)).as("row %d class %d", r, k).isCloseTo(expected, offset(1e-6));
                    sum += p.probability(r, k);
                    if (expected > best) {
                        best = expected;
                        argmax = k;
                    }
                }
                assertThat(sum).isCloseTo(1.0, offset(1e-5));
                assertThat(p.predictedClass(r)).isEqualTo(argmax);
                assertThat(p.value(r)).isEqualTo(p.probability(r, argmax));
                correct += p.label(r).equals(golden.cell(r, "label")) ? 1 : 0;
                RowExplanation e = p.explanations().get(r);
                assertThat(e.output()).isEqualTo(argmax);
                assertThat(e.base() + e.members().stream().mapToDouble(RowExplanation.Part::contribution).sum())
                        .isCloseTo(e.combinedInSpace(), offset(1e-6));
            }
            assertThat((double) correct / rows).as("accuracy on letters").isGreaterThan(0.75);
        }
    }

    @Test
    void shouldCombineRegressionValuesWithRenormalisedWeights(@TempDir Path dir) throws Exception {
        GoldenSet golden = GoldenSet.load("diamonds");
        ObjectNode combiner = JSON.createObjectNode().put("type", "weighted-average");
        combiner.putObject("weights").put("xgboost", 3.0).put("lightgbm", 1.0);
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes()
                .load(ensemble(dir, "diamonds", "regression", List.of(), combiner))) {
            int rows = golden.rows();
            Predictions p = new Predictions(ensemble, rows);
            ensemble.newScorer(rows).score(golden.encodedRows(0, rows), rows, p);
            double[] xgboost = golden.column("xgboost");
            double[] lightgbm = golden.column("lightgbm");
            for (int r = 0; r < rows; r++) {
                double expected = 0.75 * xgboost[r] + 0.25 * lightgbm[r];
                assertThat((double) p.value(r)).as("row %d", r).isCloseTo(expected, offset(1e-6 * Math.abs(expected) + 1e-3));
                assertThat(p.predictedClass(r)).isEqualTo(-1);
                assertThat(p.margin(r)).isNaN();
                double spread = Math.abs(xgboost[r] - lightgbm[r]) * Math.sqrt(0.75 * 0.25);
                assertThat((double) p.agreement(r)).isCloseTo(Math.max(0, 1 - spread / 4000.0), offset(1e-4));
            }
        }
    }
}
