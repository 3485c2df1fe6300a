package dev.tutti.engine.manifest;

import static dev.tutti.engine.manifest.ManifestCopies.bundled;
import static dev.tutti.engine.manifest.ManifestCopies.ensemble;
import static dev.tutti.engine.manifest.ManifestCopies.write;
import static dev.tutti.engine.manifest.ManifestCopies.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.Stacking;
import dev.tutti.combine.Task;
import dev.tutti.combine.WeightedAverage;
import dev.tutti.engine.spi.ModelFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
    private static final List<String> MEMBERS = List.of("mlp-onnx", "mlp-torchscript", "xgboost", "lightgbm", "logistic");

    @Nested
    class BundledEnsembles {

        @Test
        void shouldReadTheTelcoChurnEnsemble() throws Exception {
            EnsembleManifest manifest = ManifestReader.read(ensemble("telco-churn"));

            assertThat(manifest.name()).isEqualTo("telco-churn");
            assertThat(manifest.version()).isEqualTo(1);
            assertThat(manifest.pin()).isEqualTo("telco-churn@1");
            assertThat(manifest.task()).isEqualTo(Task.BINARY);
            assertThat(manifest.classes()).containsExactly("No", "Yes");
            assertThat(manifest.outputs()).isEqualTo(1);
            assertThat(manifest.schema().width()).isEqualTo(19);
            assertThat(manifest.schema().feature(0).name()).isEqualTo("female");
            assertThat(manifest.schema().feature(manifest.schema().indexOf("contract")).categories())
                    .containsExactly("Month-to-month", "One year", "Two year");
            assertThat(manifest.members()).extracting(MemberEntry::name).containsExactlyElementsOf(MEMBERS);
            assertThat(manifest.members()).extracting(MemberEntry::format).containsExactly(ModelFormats.ONNX,
                    ModelFormats.TORCHSCRIPT, ModelFormats.XGBOOST_JSON, ModelFormats.LIGHTGBM_TEXT, ModelFormats.LINEAR_JSON);
            assertThat(manifest.members().getFirst().options()).containsEntry("output", "probability");
            assertThat(manifest.members()).allSatisfy(m -> {
                assertThat(m.version()).isEqualTo(1);
                assertThat(Artifacts.isSha256(m.sha256())).isTrue();
                assertThat(m.schema()).isNull();
            });
            assertThat(manifest.combiner()).isInstanceOf(WeightedAverage.class);
            assertThat(manifest.combiner().name()).isEqualTo("weighted-average");
            assertThat(manifest.combiner().members()).isEqualTo(5);
            assertThat(manifest.combiner().weight(4)).isEqualTo(0.672727);
            assertThat(manifest.confidence()).isEqualTo(ConfidenceMeasure.AGREEMENT);
            assertThat(manifest.spreadScale()).isEqualTo(1.0);
            assertThat(manifest.directory()).isEqualTo(ensemble("telco-churn").toAbsolutePath().normalize());
            assertThat(manifest.metrics()).isNotNull();
            assertThat(manifest.provenance()).isNotNull();
        }

        @Test
        void shouldReadTheSpamEnsemble() throws Exception {
            EnsembleManifest manifest = ManifestReader.read(ensemble("spam"));

            assertThat(manifest.name()).isEqualTo("spam");
            assertThat(manifest.version()).isEqualTo(1);
            assertThat(manifest.task()).isEqualTo(Task.BINARY);
            assertThat(manifest.classes()).containsExactly("nonspam", "spam");
            assertThat(manifest.schema().width()).isEqualTo(57);
            assertThat(manifest.members()).extracting(MemberEntry::name).containsExactlyElementsOf(MEMBERS);
            assertThat(manifest.members().get(2).format()).isEqualTo(ModelFormats.XGBOOST_UBJ);
            assertThat(manifest.combiner()).isInstanceOf(Stacking.class);
            assertThat(manifest.combiner().name()).isEqualTo("stacking");
            assertThat(manifest.combiner().members()).isEqualTo(5);
            assertThat(manifest.confidence()).isEqualTo(ConfidenceMeasure.AGREEMENT);
        }

        @Test
        void shouldPinArtifactsThatExistInsideTheEnsembleWithTheirTrueDigests() throws Exception {
            for (String name : List.of("telco-churn", "spam")) {
                EnsembleManifest manifest = ManifestReader.read(ensemble(name));
                for (MemberEntry member : manifest.members()) {
                    Path artifact = Artifacts.resolveInside(manifest.directory(), member.artifact(), member.pin());
                    Artifacts.verify(artifact, member.sha256(), member.pin());
                }
            }
        }
    }

    @Nested
    class Refusals {
        @TempDir
        Path dir;

        private ObjectNode telco() {
            return bundled("telco-churn");
        }

        private ObjectNode member(ObjectNode manifest, int index) {
            return (ObjectNode) manifest.get("members").get(index);
        }

        private ObjectNode combiner(ObjectNode manifest) {
            return (ObjectNode) manifest.get("combiner");
        }

        private void assertRefused(ObjectNode manifest, String... messageParts) {
            write(dir, manifest);
            assertThatThrownBy(() -> ManifestReader.read(dir))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContainingAll(messageParts);
        }

        @Test
        void shouldAcceptTheUnmodifiedCopy() throws Exception {
            write(dir, telco());

            assertThat(ManifestReader.read(dir).name()).isEqualTo("telco-churn");
        }

        @Test
        void shouldRejectAMemberWithoutASha256() {
            ObjectNode manifest = telco();
            member(manifest, 1).remove("sha256");

            assertRefused(manifest, "manifest.json: members[1].sha256: required");
        }

        @Test
        void shouldRejectAMalformedSha256() {
            ObjectNode upper = telco();
            member(upper, 2).put("sha256", member(upper, 2).get("sha256").asText().toUpperCase(Locale.ROOT));
            assertRefused(upper, "members[2].sha256", "64 lower-case hex digits");

            ObjectNode shortDigest = telco();
            member(shortDigest, 3).put("sha256", "abc123");
            assertRefused(shortDigest, "members[3].sha256", "64 lower-case hex digits");
        }

        @Test
        void shouldRejectTwoMembersWithTheSameName() {
            ObjectNode manifest = telco();
            member(manifest, 3).put("name", "mlp-onnx");

            assertRefused(manifest, "members[3].name", "'mlp-onnx' appears twice");
        }

        @Test
        void shouldRejectAnEnsembleWithoutMembers() {
            ObjectNode manifest = telco();
            manifest.putArray("members");

            assertRefused(manifest, "manifest.json: members:", "at least one member");
        }

        @Test
        void shouldRejectAMemberVersionBelowOne() {
            ObjectNode manifest = telco();
            member(manifest, 0).put("version", 0);

            assertRefused(manifest, "members[0].version", "positive integer");
        }

        @Test
        void shouldRejectAnUnknownCombinerType() {
            ObjectNode manifest = telco();
            combiner(manifest).put("type", "bagging");

            assertRefused(manifest, "manifest.json: combiner.type", "unknown combiner \"bagging\"", "weighted-average", "stacking");
        }

        @Test
        void shouldRejectWeightsThatOmitAMember() {
            ObjectNode manifest = telco();
            ((ObjectNode) combiner(manifest).get("weights")).remove("lightgbm");

            assertRefused(manifest, "manifest.json: combiner.weights.lightgbm: required");
        }

        @Test
        void shouldRejectWeightsThatNameAnUnknownMember() {
            ObjectNode manifest = telco();
            ((ObjectNode) combiner(manifest).get("weights")).put("catboost", 0.5);

            assertRefused(manifest, "manifest.json: combiner.weights:", "catboost", "names no member");
        }

        @Test
        void shouldRejectWeightsThatNameAMemberTwice() throws Exception {
            ObjectNode manifest = telco();
            ObjectNode weights = combiner(manifest).putObject("weights");
            for (String member : List.of("mlp-onnx", "mlp-torchscript", "xgboost", "lightgbm", "logistic")) {
                weights.put(member, 0.2);
            }
            weights.put("DUPLICATE_OF_XGBOOST", 0.9);
            write(dir, manifest);
            Path file = dir.resolve(ManifestReader.FILE);
            Files.writeString(file, Files.readString(file).replace("\"DUPLICATE_OF_XGBOOST\"", "\"xgboost\""));

            assertThatThrownBy(() -> ManifestReader.read(dir))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContainingAll("Duplicate field 'xgboost'", "line");
        }

        @Test
        void shouldRejectANegativeWeight() {
            ObjectNode manifest = telco();
            ((ObjectNode) combiner(manifest).get("weights")).put("xgboost", -1.0);

            assertRefused(manifest, "manifest.json: combiner.weights.xgboost", "finite and >= 0", "-1.0");
        }

        @Test
        void shouldNameTheFieldPathOfARefusedWeight() {
            ObjectNode manifest = telco();
            ((ObjectNode) combiner(manifest).get("weights")).put("xgboost", -1.0);

            assertRefused(manifest, "combiner.weights.xgboost");
        }

        @Test
        void shouldRejectReferenceQuantilesThatAreNotAscending() {
            ObjectNode manifest = telco();
            manifest.set("combiner", ManifestCopies.MAPPER.createObjectNode().put("type", "rank-average"));
            ((ObjectNode) manifest.get("reference").get("quantiles")).putArray("xgboost").add(0.5).add(0.2).add(0.9);

            assertRefused(manifest, "manifest.json: reference.quantiles.xgboost", "ascending");
        }

        @Test
        void shouldNameTheFieldPathOfRefusedReferenceQuantiles() {
            ObjectNode manifest = telco();
            manifest.set("combiner", ManifestCopies.MAPPER.createObjectNode().put("type", "rank-average"));
            ((ObjectNode) manifest.get("reference").get("quantiles")).putArray("xgboost").add(0.5).add(0.2).add(0.9);

            assertRefused(manifest, "reference.quantiles.xgboost");
        }

        @Test
        void shouldRejectAWeightedAverageWithoutWeights() {
            ObjectNode manifest = telco();
            combiner(manifest).remove("weights");

            assertRefused(manifest, "manifest.json: combiner.weights: required");
        }

        @Test
        void shouldRejectRankAverageWithoutReferenceQuantiles() {
            ObjectNode withoutQuantiles = telco();
            withoutQuantiles.set("combiner", ManifestCopies.MAPPER.createObjectNode().put("type", "rank-average"));
            ((ObjectNode) withoutQuantiles.get("reference")).remove("quantiles");
            assertRefused(withoutQuantiles, "reference.quantiles", "required by rank-average");

            ObjectNode withoutReference = telco();
            withoutReference.set("combiner", ManifestCopies.MAPPER.createObjectNode().put("type", "rank-average"));
            withoutReference.remove("reference");
            assertRefused(withoutReference, "reference.quantiles", "required by rank-average");
        }

        @Test
        void shouldRejectQuantilesThatOmitAMember() {
            ObjectNode manifest = telco();
            manifest.set("combiner", ManifestCopies.MAPPER.createObjectNode().put("type", "rank-average"));
            ((ObjectNode) manifest.get("reference").get("quantiles")).remove("xgboost");

            assertRefused(manifest, "reference.quantiles.xgboost: required");
        }

        @Test
        void shouldRejectStackingCoefficientsOfTheWrongLength() {
            ObjectNode manifest = bundled("spam");
            ((ObjectNode) combiner(manifest).get("coefficients")).putArray("xgboost").add(0.1).add(0.2);

            assertRefused(manifest, "manifest.json: combiner.coefficients.xgboost", "has 2 values; expected 1");
        }

        @Test
        void shouldRejectAPassThroughFeatureThatIsNotInTheSchema() {
            ObjectNode manifest = bundled("spam");
            ArrayNode pass = combiner(manifest).putArray("passThrough");
            pass.addObject().put("feature", "make").putArray("coef").add(0.1);
            pass.addObject().put("feature", "shoe_size").putArray("coef").add(0.2);

            assertRefused(manifest, "manifest.json: combiner.passThrough[1].feature", "'shoe_size'", "not a feature");
        }

        @Test
        void shouldRejectAnUnknownStackingMetaModel() {
            ObjectNode manifest = bundled("spam");
            combiner(manifest).put("meta", "forest");

            assertRefused(manifest, "combiner.meta", "\"forest\"");
        }

        @Test
        void shouldRejectAStackingLinkThatDoesNotFitTheTask() {
            ObjectNode manifest = bundled("spam");
            combiner(manifest).put("meta", "linear").put("input", "probability");

            assertRefused(manifest, "manifest.json: combiner:", "stacking does not fit this ensemble");
        }

        @Test
        void shouldRejectTheWrongFormat() {
            ObjectNode manifest = telco();
            manifest.put("format", "mlflow-model");

            assertRefused(manifest, "manifest.json: format", "\"tutti-ensemble\"", "\"mlflow-model\"");
        }

        @Test
        void shouldRejectFormatVersionTwo() {
            ObjectNode manifest = telco();
            manifest.put("formatVersion", 2);

            assertRefused(manifest, "manifest.json: formatVersion", "version 1");
        }

        @Test
        void shouldRejectAnUnknownTask() {
            ObjectNode manifest = telco();
            manifest.put("task", "ranking");

            assertRefused(manifest, "manifest.json: task", "\"ranking\"", "binary, multiclass or regression");
        }

        @Test
        void shouldRejectABinaryEnsembleWithThreeClasses() {
            ObjectNode manifest = telco();
            ((ArrayNode) manifest.get("classes")).add("Maybe");

            assertRefused(manifest, "manifest.json: classes", "exactly 2", "not 3");
        }

        @Test
        void shouldRejectAnUnknownConfidenceMeasure() {
            ObjectNode manifest = telco();
            manifest.put("confidence", "vibes");

            assertRefused(manifest, "manifest.json: confidence", "\"vibes\"", "agreement, margin or entropy");
        }

        @Test
        void shouldReadEveryDocumentedConfidenceMeasureAndDefaultToAgreement() throws Exception {
            for (ConfidenceMeasure measure : ConfidenceMeasure.values()) {
                ObjectNode manifest = telco();
                manifest.put("confidence", measure.name().toLowerCase(Locale.ROOT));
                assertThat(ManifestReader.read(write(dir, manifest)).confidence()).isEqualTo(measure);
            }
            ObjectNode manifest = telco();
            manifest.remove("confidence");
            assertThat(ManifestReader.read(write(dir, manifest)).confidence()).isEqualTo(ConfidenceMeasure.AGREEMENT);
        }

        @Test
        void shouldRejectANonPositiveSpreadScale() {
            ObjectNode manifest = telco();
            ((ObjectNode) manifest.get("reference")).put("spreadScale", -1.0);

            assertRefused(manifest, "manifest.json: reference.spreadScale", "positive finite");
        }

        @Test
        void shouldNameTheFieldOfABadMemberSchema() {
            ObjectNode manifest = telco();
            ObjectNode schema = member(manifest, 4).putObject("schema");
            schema.putArray("features").addObject().put("name", "tenure").put("type", "date");

            assertRefused(manifest, "members[4].schema.features[0].type", "\"date\"");
        }

        @Test
        void shouldGiveTheLineAndColumnOfMalformedJson() {
            writeText(dir, "{\n  \"format\": \"tutti-ensemble\",\n  \"formatVersion\": 1,\n  \"name\": oops\n}\n");

            assertThatThrownBy(() -> ManifestReader.read(dir))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContainingAll("manifest.json", "not valid JSON", "line 4", "column");
        }

        @Test
        void shouldRefuseADirectoryWithoutAManifest() {
            assertThatThrownBy(() -> ManifestReader.read(dir))
                    .isInstanceOf(ManifestException.class)
                    .hasMessageContainingAll(dir.toString(), "no manifest.json");
        }
    }
}
