package dev.tutti.engine.schema;

import dev.tutti.engine.schema.InvalidInputException.Reason;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns rows of text cells (CSV lines, HTTP BYTES tensors) into the float rows of an
 * {@link InputSchema}: numbers parsed, categorical labels replaced by their codes, missing markers
 * by NaN (pandas' defaults, case-insensitive: {@code ""}, {@code NA}, {@code N/A}, {@code NaN},
 * {@code -NaN}, {@code null}, {@code None}, {@code <NA>}, {@code #N/A} and the like). Numbers are plain
 * decimals ({@code 12}, {@code -0.5}, {@code 1e-3}); Java-only forms such as {@code 1f} or
 * {@code 0x1p3} are refused like any other text. Every refusal is an
 * {@link InvalidInputException} that names the feature and the row.
 *
 * <p>Numbers are parsed as doubles and then rounded to float32, as pandas and NumPy do when a model
 * is trained, so the encoded row is bit-identical to the training pipeline's.
 *
 * <p>Threads: immutable after construction, shareable. Allocation: none per row beyond parsing.
 */
public final class TextRowEncoder {
    /** pandas' default missing-value markers (read_csv na_values), compared case-insensitively. */
    private static final Set<String> MISSING = Set.of("", "na", "n/a", "#n/a", "#n/a n/a", "#na", "<na>", "nan", "-nan",
            "+nan", "null", "none", "-1.#ind", "1.#ind", "-1.#qnan", "1.#qnan");
    /** The length of the longest {@link #MISSING} marker: longer cells are never missing. */
    private static final int LONGEST_MISSING = MISSING.stream().mapToInt(String::length).max().orElseThrow();
    /** Plain decimal numbers (no Java-only forms such as 1f, 1d or hexadecimal 0x1p3), or an infinity. */
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final InputSchema schema;
    private final int[] columnOfFeature;
    private final List<Map<String, Integer>> codes;
    private final List<String> ignoredColumns;

    /**
     * @param header the names of the text columns; every schema feature must be among them, in any
     *     order; other columns (an id, a label) are ignored and listed by {@link #ignoredColumns()}
     */
    public TextRowEncoder(InputSchema schema, List<String> header) {
        this.schema = schema;
        this.columnOfFeature = new int[schema.width()];
        Map<String, Integer> columns = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            columns.putIfAbsent(header.get(c).trim(), c);
        }
        List<String> absent = new ArrayList<>();
        for (int f = 0; f < schema.width(); f++) {
            Integer column = columns.remove(schema.feature(f).name());
            if (column == null) {
                absent.add(schema.feature(f).name());
            } else {
                columnOfFeature[f] = column;
            }
        }
        if (!absent.isEmpty()) {
            throw new InvalidInputException(Reason.MISSING_FEATURE, absent.getFirst(), -1,
                    "the input has no column for feature" + (absent.size() > 1 ? "s " : " ") + String.join(", ", absent)
                            + "; expected columns: " + schema.features().stream().map(FeatureSpec::name).toList());
        }
        this.ignoredColumns = List.copyOf(columns.keySet().stream().sorted().toList());
        this.codes = new ArrayList<>();
        for (FeatureSpec feature : schema.features()) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < feature.categories().size(); i++) {
                index.put(feature.categories().get(i), i);
            }
            codes.add(index);
        }
    }

    /** Encoder for text rows whose columns are exactly the schema's features, in order. */
    public static TextRowEncoder inSchemaOrder(InputSchema schema) {
        return new TextRowEncoder(schema, schema.features().stream().map(FeatureSpec::name).toList());
    }

    /**
     * Whether {@code cell} is one of the missing-value markers this encoder reads as NaN (trimmed,
     * case-insensitive). Schema inference uses it so that training reads cells exactly as serving does.
     */
    public static boolean isMissingMarker(String cell) {
        return cell == null || MISSING.contains(cell.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code cell} (trimmed) is a finite plain decimal number as this encoder parses it
     * (not a missing marker, no Java-only forms, not an infinity, within the float32 range).
     */
    public static boolean isFiniteNumber(String cell) {
        if (cell == null) {
            return false;
        }
        String text = cell.trim();
        if (!NUMBER.matcher(text).matches() || text.toLowerCase(Locale.ROOT).contains("inf")) {
            return false;
        }
        return Float.isFinite((float) Double.parseDouble(text));
    }

    /** Header columns that are not features and are skipped. */
    public List<String> ignoredColumns() {
        return ignoredColumns;
    }

    /**
     * Encodes one row of cells into {@code out} at {@code offset .. offset + width - 1} and validates it.
     *
     * @param row the row's index in the caller's input, for error messages
     */
    public void encode(List<String> cells, int row, FloatBuffer out, int offset) {
        if (cells.size() <= maxColumn()) {
            throw new InvalidInputException(Reason.WRONG_WIDTH, null, row,
                    "row " + row + " has " + cells.size() + " cells; the header has at least " + (maxColumn() + 1));
        }
        for (int f = 0; f < columnOfFeature.length; f++) {
            out.put(offset + f, parse(f, cells.get(columnOfFeature[f]), row));
        }
    }

    private int maxColumn() {
        int max = 0;
        for (int c : columnOfFeature) {
            max = Math.max(max, c);
        }
        return max;
    }

    private float parse(int f, String cell, int row) {
        FeatureSpec feature = schema.feature(f);
        String text = cell == null ? "" : cell.trim();
        if (!feature.isCategorical() && isPlainDecimal(text)) {
            // the common case, without the regex and the lower-case copy: a plain decimal is never a missing marker
            return narrow(feature, text, Double.parseDouble(text), row);
        }
        if (text.length() <= LONGEST_MISSING && MISSING.contains(text.toLowerCase(Locale.ROOT))) {
            if (!feature.missingAllowed()) {
                throw new InvalidInputException(Reason.MISSING_NOT_ALLOWED, feature.name(), row,
                        "feature '" + feature.name() + "' is missing in row " + row + " and does not allow missing values");
            }
            return Float.NaN;
        }
        if (feature.isCategorical()) {
            Integer code = codes.get(f).get(text);
            if (code != null) {
                return code;
            }
            if (feature.unknownAsMissing()) {
                return Float.NaN;
            }
            throw new InvalidInputException(Reason.UNKNOWN_CATEGORY, feature.name(), row,
                    "feature '" + feature.name() + "' has unknown category '" + text + "' in row " + row
                            + "; known categories: " + feature.categories());
        }
        if (!NUMBER.matcher(text).matches()) {
            throw new InvalidInputException(Reason.NOT_A_NUMBER, feature.name(), row,
                    "feature '" + feature.name() + "' is not a number in row " + row + ": '" + text + "'");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        double value = lower.endsWith("inf") || lower.endsWith("infinity")
                ? (text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : Double.parseDouble(text);
        return narrow(feature, text, value, row);
    }

    private static float narrow(FeatureSpec feature, String text, double value, int row) {
        float narrowed = (float) value;
        if (!Float.isFinite(narrowed)) {
            throw new InvalidInputException(Reason.NOT_FINITE, feature.name(), row,
                    "feature '" + feature.name() + "' is " + text + " in row " + row
                            + (Double.isFinite(value) ? ", beyond the float32 range" : "") + "; only finite values are accepted");
        }
        return narrowed;
    }

    /**
     * Whether {@code text} is {@code [+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?}: the finite
     * part of {@link #NUMBER}, checked by hand (this runs for every numeric cell of every request).
     */
    static boolean isPlainDecimal(String text) {
        int n = text.length();
        int i = 0;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits == 0 && fracDigits == 0) {
            return false;
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
