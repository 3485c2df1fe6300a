package dev.tutti.transport.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The Open Inference Protocol's OpenAPI schema ({@code docs/specs/open_inference_rest.yaml}, a copy
 * of {@code ../shared/specs/open_inference_rest.yaml}, unchanged from KServe): validates a response body against one of its component schemas, with the
 * document's {@code #/components/...} references resolved.
 */
public final class OpenInferenceSchema {
    private static final Path SPEC = GoldenSet.repoRoot().resolve("docs/specs/open_inference_rest.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode document;

    private OpenInferenceSchema() {}

    private static synchronized JsonNode document() throws IOException {
        if (document == null) {
            if (!Files.exists(SPEC)) {
                throw new IllegalStateException("the Open Inference Protocol schema is expected at " + SPEC);
            }
            document = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile());
        }
        return document;
    }

    /** Messages of every violation of component {@code name} by {@code body} (empty: valid). */
    public static Set<ValidationMessage> violations(String name, String body) throws IOException {
        JsonNode doc = document();
        if (doc.at("/components/schemas/" + name).isMissingNode()) {
            throw new IllegalArgumentException("no schema " + name);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$ref", "#/components/schemas/" + name);
        root.set("components", doc.get("components"));
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
        return schema.validate(JSON.readTree(body));
    }
}
