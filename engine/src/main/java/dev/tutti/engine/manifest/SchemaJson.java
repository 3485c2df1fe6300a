package dev.tutti.engine.manifest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@link InputSchema} from its JSON form (see docs/formats.md):
 *
 * <pre>{"features": [
 *   {"name": "tenure", "type": "numeric", "missing": true},
 *   {"name": "contract", "type": "categorical", "categories": ["Month-to-month", "One year", "Two year"],
 *    "missing": false, "unknown": "reject"}]}</pre>
 *
 * {@code missing} (default false) allows NaN; {@code unknown} is {@code reject} (default) or
 * {@code missing} (an unknown label or code becomes a missing value). {@link #write} gives the same
 * form back, so that {@code read(write(schema))} equals {@code schema}.
 */
public final class SchemaJson {
    private SchemaJson() {}

    public static InputSchema read(JsonFields schema) throws ManifestException {
        List<FeatureSpec> features = new ArrayList<>();
        for (JsonFields f : schema.array("features")) {
            String name = f.string("name");
            String type = f.string("type");
            boolean missing = f.bool("missing", false);
            String unknown = f.string("unknown", "reject");
            if (!unknown.equals("reject") && !unknown.equals("missing")) {
                throw f.error("unknown", "expected \"reject\" or \"missing\", not \"" + unknown + "\"");
            }
            try {
                features.add(switch (type) {
                    case "numeric" -> new FeatureSpec(name, FeatureType.NUMERIC, List.of(), missing, false);
                    case "categorical" -> new FeatureSpec(
                            name, FeatureType.CATEGORICAL, f.strings("categories"), missing, unknown.equals("missing"));
                    default -> throw f.error("type", "expected \"numeric\" or \"categorical\", not \"" + type + "\"");
                });
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
        try {
            return new InputSchema(features);
        } catch (IllegalArgumentException e) {
            throw schema.error("features", e.getMessage());
        }
    }

    /** The JSON form of {@code schema}, every field written explicitly. */
    public static ObjectNode write(InputSchema schema) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode features = root.putArray("features");
        for (FeatureSpec feature : schema.features()) {
            ObjectNode f = features.addObject();
            f.put("name", feature.name());
            f.put("type", feature.isCategorical() ? "categorical" : "numeric");
            if (feature.isCategorical()) {
                ArrayNode categories = f.putArray("categories");
                feature.categories().forEach(categories::add);
            }
            f.put("missing", feature.missingAllowed());
            if (feature.isCategorical()) {
                f.put("unknown", feature.unknownAsMissing() ? "missing" : "reject");
            }
        }
        return root;
    }
}
