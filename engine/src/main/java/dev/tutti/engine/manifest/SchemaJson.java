package dev.tutti.engine.manifest;

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
 * {@code missing} (an unknown label or code becomes a missing value).
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
}
