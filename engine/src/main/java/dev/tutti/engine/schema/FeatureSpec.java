package dev.tutti.engine.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One input feature: its name, type and, for a categorical feature, its labels in code order (the
 * code of a label is its index in {@link #categories()}).
 *
 * @param name unique within a schema
 * @param type numeric or categorical
 * @param categories labels in code order; empty for numeric features
 * @param missingAllowed whether NaN (missing) may be sent for this feature
 * @param unknownAsMissing for categorical features: whether a label or code outside
 *     {@link #categories()} is treated as missing (requires {@code missingAllowed}) instead of being
 *     rejected
 */
public record FeatureSpec(
        String name, FeatureType type, List<String> categories, boolean missingAllowed, boolean unknownAsMissing) {

    public FeatureSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("feature name must not be blank");
        }
        categories = categories == null ? List.of() : List.copyOf(categories);
        if (type == FeatureType.CATEGORICAL && categories.isEmpty()) {
            throw new IllegalArgumentException("categorical feature '" + name + "' has no categories");
        }
        if (type == FeatureType.NUMERIC && !categories.isEmpty()) {
            throw new IllegalArgumentException("numeric feature '" + name + "' must not list categories");
        }
        if (unknownAsMissing && !missingAllowed) {
            throw new IllegalArgumentException(
                    "feature '" + name + "': unknown categories can be treated as missing only when missing values are allowed");
        }
        if (categories.size() != Map.copyOf(index(categories)).size()) {
            throw new IllegalArgumentException("feature '" + name + "' lists a category twice");
        }
    }

    public static FeatureSpec numeric(String name, boolean missingAllowed) {
        return new FeatureSpec(name, FeatureType.NUMERIC, List.of(), missingAllowed, false);
    }

    public static FeatureSpec categorical(String name, List<String> categories, boolean missingAllowed) {
        return new FeatureSpec(name, FeatureType.CATEGORICAL, categories, missingAllowed, false);
    }

    public boolean isCategorical() {
        return type == FeatureType.CATEGORICAL;
    }

    /** The code of {@code label}, or -1 when it is not one of the categories. */
    public int code(String label) {
        return categories.indexOf(label);
    }

    private static Map<String, Integer> index(List<String> categories) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            index.putIfAbsent(categories.get(i), i);
        }
        return index;
    }
}
