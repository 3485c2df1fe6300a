package dev.tutti.engine.schema;

import dev.tutti.engine.schema.InvalidInputException.Reason;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered input features of an ensemble or a member. A row is {@link #width()} float32 values
 * in this order: numbers as they are, categories as codes (the label's index in the feature's
 * categories), NaN for a missing value.
 *
 * <p>{@link #validate} is the gate every request row passes before any member sees it.
 *
 * <p>Threads: immutable, shared freely. Allocation: {@link #validate} allocates only when it throws.
 */
public final class InputSchema {
    private final List<FeatureSpec> features;
    private final Map<String, Integer> indexByName;
    /** Per feature: its number of categories, or 0 for a numeric feature (the hot check reads only this). */
    private final int[] categoryCounts;
    /** Per feature: whether NaN (missing) is accepted as it is. */
    private final boolean[] missingAllowed;

    public InputSchema(List<FeatureSpec> features) {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("a schema needs at least one feature");
        }
        this.features = List.copyOf(features);
        this.indexByName = new HashMap<>();
        this.categoryCounts = new int[this.features.size()];
        this.missingAllowed = new boolean[this.features.size()];
        for (int i = 0; i < this.features.size(); i++) {
            FeatureSpec feature = this.features.get(i);
            categoryCounts[i] = feature.isCategorical() ? feature.categories().size() : 0;
            missingAllowed[i] = feature.missingAllowed();
            if (indexByName.put(this.features.get(i).name(), i) != null) {
                throw new IllegalArgumentException("feature '" + this.features.get(i).name() + "' appears twice");
            }
        }
    }

    public List<FeatureSpec> features() {
        return features;
    }

    /** Features per row. */
    public int width() {
        return features.size();
    }

    public FeatureSpec feature(int index) {
        return features.get(index);
    }

    /** Index of the named feature, or -1. */
    public int indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /**
     * Checks {@code rows} rows of {@link #width()} values starting at index 0 of {@code buffer}.
     * Unknown categorical codes of features that treat them as missing are replaced by NaN in place.
     *
     * @param firstRow index of the first row in the caller's request, used only in error messages
     * @throws InvalidInputException naming the first offending feature and row
     */
    public void validate(FloatBuffer buffer, int rows, int firstRow) {
        int width = width();
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int f = 0; f < width; f++) {
                float value = buffer.get(base + f);
                if (!isAcceptable(categoryCounts[f], value) && !(Float.isNaN(value) && missingAllowed[f])) {
                    buffer.put(base + f, checkedReplacement(features.get(f), value, firstRow + r));
                }
            }
        }
    }

    /** Checks one row of float values; see {@link #validate(FloatBuffer, int, int)}. */
    public void validateRow(float[] row, int rowIndex) {
        if (row.length != width()) {
            throw wrongWidth(row.length, rowIndex);
        }
        for (int f = 0; f < row.length; f++) {
            if (!isAcceptable(categoryCounts[f], row[f]) && !(Float.isNaN(row[f]) && missingAllowed[f])) {
                row[f] = checkedReplacement(features.get(f), row[f], rowIndex);
            }
        }
    }

    /** The error for a row of {@code actual} values where {@link #width()} are expected. */
    public InvalidInputException wrongWidth(int actual, int rowIndex) {
        return new InvalidInputException(
                Reason.WRONG_WIDTH,
                null,
                rowIndex,
                "row " + rowIndex + " has " + actual + " values; the schema has " + width() + " features");
    }

    /** A finite number, or a whole category code in [0, categories); {@code categories} 0 means numeric. */
    private static boolean isAcceptable(int categories, float value) {
        if (categories > 0) {
            return value >= 0 && value < categories && value == (int) value;
        }
        return Float.isFinite(value);
    }

    /** Returns the value to store for an unacceptable value, or throws. */
    private static float checkedReplacement(FeatureSpec feature, float value, int row) {
        if (Float.isNaN(value)) {
            if (feature.missingAllowed()) {
                return value;
            }
            throw new InvalidInputException(
                    Reason.MISSING_NOT_ALLOWED,
                    feature.name(),
                    row,
                    "feature '" + feature.name() + "' is missing (NaN) in row " + row + " and does not allow missing values");
        }
        if (Float.isInfinite(value)) {
            throw new InvalidInputException(
                    Reason.NOT_FINITE,
                    feature.name(),
                    row,
                    "feature '" + feature.name() + "' is " + value + " in row " + row + "; only finite values are accepted");
        }
        if (feature.unknownAsMissing()) {
            return Float.NaN;
        }
        int categories = feature.categories().size();
        throw new InvalidInputException(
                Reason.UNKNOWN_CATEGORY,
                feature.name(),
                row,
                "feature '" + feature.name() + "' has code " + value + " in row " + row
                        + "; valid codes are the integers 0.." + (categories - 1) + " (" + categories + " categories)");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSchema other && features.equals(other.features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public String toString() {
        return "InputSchema" + features;
    }
}
