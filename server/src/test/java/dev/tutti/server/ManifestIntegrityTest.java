package dev.tutti.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.manifest.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed or swapped model file is refused at load, before any runtime reads it. */
class ManifestIntegrityTest {

    @Test
    void shouldRefuseAModelFileChangedAfterTheManifestPinnedIt(@TempDir Path dir) throws Exception {
        Path copy = BundledEnsembles.copy("telco-churn", dir);
        Path model = copy.resolve("members/lightgbm/1/model.txt");
        String text = Files.readString(model, StandardCharsets.UTF_8);
        Files.writeString(model, text.replaceFirst("leaf_value=-0\\.8", "leaf_value=-0.9"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EnsembleLoader.withDiscoveredRuntimes().load(copy))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("lightgbm@1")
                .hasMessageContaining("sha256")
                .hasMessageContaining("refusing");
    }

    @Test
    void shouldRefuseAMemberWhoseFileWasSwappedForAnotherMembersFile(@TempDir Path dir) throws Exception {
        Path copy = BundledEnsembles.copy("spam", dir);
        Files.copy(copy.resolve("members/mlp-onnx/1/model.onnx"), copy.resolve("members/mlp-onnx/1/other.onnx"));
        Files.copy(BundledEnsembles.directory("telco-churn").resolve("members/mlp-onnx/1/model.onnx"),
                copy.resolve("members/mlp-onnx/1/model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> EnsembleLoader.withDiscoveredRuntimes().load(copy))
                .isInstanceOf(ManifestException.class).hasMessageContaining("mlp-onnx@1");
    }

    @Test
    void shouldRefuseAnArtifactPathThatLeavesTheEnsembleDirectory(@TempDir Path dir) throws Exception {
        Path copy = BundledEnsembles.copy("telco-churn", dir.resolve("ensemble"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(copy.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.at("/members/4")).put("artifact", "../../etc/model.json");
        json.writeValue(copy.resolve("manifest.json").toFile(), manifest);
        assertThatThrownBy(() -> EnsembleLoader.withDiscoveredRuntimes().load(copy))
                .isInstanceOf(ManifestException.class).hasMessageContaining("must stay inside");
    }

    @Test
    void shouldNameTheMissingArtifact(@TempDir Path dir) throws Exception {
        Path copy = BundledEnsembles.copy("telco-churn", dir);
        Files.delete(copy.resolve("members/xgboost/1/model.json"));
        assertThatThrownBy(() -> EnsembleLoader.withDiscoveredRuntimes().load(copy))
                .isInstanceOf(ManifestException.class).hasMessageContaining("xgboost@1").hasMessageContaining("does not exist");
    }
}
