package dev.tutti.engine.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.manifest.ConfidenceMeasure;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.engine.testing.SyntheticRuntime;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The concurrent scorer computes only the ensemble's own confidence measure (the service reads
 * nothing else): the same confidence, predicted class and values as the sequential scorer, which
 * fills every measure; the two measures it skips are NaN, not stale values of an earlier batch.
 */
class ConcurrentScorerConfidenceTest {
    private static final int ROWS = 200;

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource({"telco-churn, telco, agreement", "spam, spam, agreement", "telco-churn, telco, margin", "telco-churn, telco, entropy"})
    void shouldAnswerWithTheEnsemblesOwnMeasureAndLeaveTheOthersNaN(String ensembleName, String dataset, String measure) throws Exception {
        Path directory = withConfidence(GoldenSet.repoRoot().resolve("ensembles").resolve(ensembleName).resolve("1"), measure);
        try (Ensemble ensemble = new EnsembleLoader(new MemberRuntimes(List.of(new SyntheticRuntime()))).load(directory);
                ConcurrentScorer concurrent = new ConcurrentScorer(ensemble, ExecutionConfig.defaults().withWorkers(2), ROWS)) {
            FloatBuffer rows = GoldenSet.load(dataset).encodedRows(0, ROWS);
            Predictions expected = new Predictions(ensemble, ROWS);
            ensemble.newScorer(ROWS).score(rows, ROWS, expected);
            Predictions actual = new Predictions(ensemble, ROWS);
            concurrent.score(rows, ROWS, Long.MAX_VALUE, actual);

            ConfidenceMeasure chosen = ensemble.manifest().confidence();
            assertThat(chosen.name()).isEqualToIgnoringCase(measure);
            for (int r = 0; r < ROWS; r++) {
                assertThat(actual.value(r)).as("row %d value", r).isEqualTo(expected.value(r));
                assertThat(actual.predictedClass(r)).as("row %d class", r).isEqualTo(expected.predictedClass(r));
                assertThat(actual.confidence(r)).as("row %d confidence (%s)", r, chosen).isEqualTo(expected.confidence(r));
                assertThat(Float.isNaN(actual.agreement(r))).as("row %d agreement skipped", r).isEqualTo(chosen != ConfidenceMeasure.AGREEMENT);
                assertThat(Float.isNaN(actual.margin(r))).as("row %d margin skipped", r).isEqualTo(chosen != ConfidenceMeasure.MARGIN);
                assertThat(Float.isNaN(actual.entropy(r))).as("row %d entropy skipped", r).isEqualTo(chosen != ConfidenceMeasure.ENTROPY);
                assertThat(expected.agreement(r)).as("the sequential scorer fills every measure").isNotNaN();
            }
        }
    }

    /** A copy of the ensemble version whose manifest names {@code measure} as its confidence (the bundled ones use agreement). */
    private Path withConfidence(Path version, String measure) throws IOException {
        Path copy = temp.resolve(version.getParent().getFileName().toString() + "-" + measure).resolve("1");
        try (Stream<Path> files = Files.walk(version)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(version.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path manifest = copy.resolve("manifest.json");
        String json = Files.readString(manifest);
        assertThat(json).contains("\"confidence\": \"agreement\"");
        Files.writeString(manifest, json.replace("\"confidence\": \"agreement\"", "\"confidence\": \"" + measure + "\""));
        return copy;
    }
}
