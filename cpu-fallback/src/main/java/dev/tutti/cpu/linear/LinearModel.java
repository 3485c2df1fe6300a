package dev.tutti.cpu.linear;

import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.JsonFields;
import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A linear or logistic model in Tutti's linear JSON format ({@code tutti-linear}, documented in
 * docs/formats.md), compiled against a member schema into flat arrays.
 *
 * <p>For each output o: {@code eta[o] = intercept[o] + sum of terms}, where a numeric term is
 * {@code coef[o] * (t - center) / scale} with {@code t = transform(x)} ({@code identity} or
 * {@code log1p}) and {@code t = impute} when t is NaN (default: center); a categorical term adds
 * {@code coef[category][o]} of the row's category (nothing when missing or not in the model's list).
 * The link turns eta into the output: {@code logistic} (binary), {@code softmax} (multiclass) or
 * {@code identity} (regression). Arithmetic is in double.
 *
 * <p>Threads: immutable; {@link #predict} writes only into caller buffers. Allocation: none per row.
 */
final class LinearModel {
    enum Link {
        LOGISTIC,
        SOFTMAX,
        IDENTITY
    }

    private final Task task;
    private final Link link;
    private final int outputs;
    private final double[] intercept;
    // numeric terms
    private final int[] numericColumn;
    private final boolean[] log1p;
    private final double[] impute;
    private final double[] center;
    private final double[] scale;
    private final double[][] numericCoef; // [term][output]
    // categorical terms
    private final int[] categoricalColumn;
    private final int[][] modelCategoryOfCode; // [term][schema code] -> model category or -1
    private final double[][][] categoricalCoef; // [term][model category][output]

    private LinearModel(Task task, Link link, double[] intercept, List<double[]> numeric, List<double[]> numericCoef,
            List<int[]> categorical, List<double[][]> categoricalCoef) {
        this.task = task;
        this.link = link;
        this.outputs = intercept.length;
        this.intercept = intercept;
        int n = numeric.size();
        this.numericColumn = new int[n];
        this.log1p = new boolean[n];
        this.impute = new double[n];
        this.center = new double[n];
        this.scale = new double[n];
        for (int i = 0; i < n; i++) {
            double[] t = numeric.get(i);
            numericColumn[i] = (int) t[0];
            log1p[i] = t[1] != 0;
            impute[i] = t[2];
            center[i] = t[3];
            scale[i] = t[4];
        }
        this.numericCoef = numericCoef.toArray(double[][]::new);
        this.categoricalColumn = new int[categorical.size()];
        this.modelCategoryOfCode = new int[categorical.size()][];
        for (int i = 0; i < categorical.size(); i++) {
            categoricalColumn[i] = categorical.get(i)[0];
            modelCategoryOfCode[i] = Arrays.copyOfRange(categorical.get(i), 1, categorical.get(i).length);
        }
        this.categoricalCoef = categoricalCoef.toArray(double[][][]::new);
    }

    Task task() {
        return task;
    }

    int outputs() {
        return outputs;
    }

    /** Reads a model file and binds its features to the columns of {@code schema}. */
    static LinearModel read(Path file, InputSchema schema) throws ManifestException {
        JsonFields json = JsonFields.read(file);
        if (!"tutti-linear".equals(json.string("format"))) {
            throw json.error("format", "expected \"tutti-linear\"");
        }
        if (json.integer("formatVersion") != 1) {
            throw json.error("formatVersion", "only version 1 is known");
        }
        Task task = parse(Task.class, json, "task");
        Link link = parse(Link.class, json, "link");
        Link expected = switch (task) {
            case BINARY -> Link.LOGISTIC;
            case MULTICLASS -> Link.SOFTMAX;
            case REGRESSION -> Link.IDENTITY;
        };
        if (link != expected) {
            throw json.error("link", "a " + name(task) + " model uses the " + name(expected) + " link, not " + name(link));
        }
        double[] intercept = json.numbers("intercept");
        int outputs = intercept.length;
        if (task != Task.MULTICLASS && outputs != 1 || task == Task.MULTICLASS && outputs < 3) {
            throw json.error("intercept", "has " + outputs + " values; a " + name(task) + " model has "
                    + (task == Task.MULTICLASS ? "one per class (3 or more)" : "exactly 1"));
        }
        List<double[]> numeric = new java.util.ArrayList<>();
        List<double[]> numericCoef = new java.util.ArrayList<>();
        List<int[]> categorical = new java.util.ArrayList<>();
        List<double[][]> categoricalCoef = new java.util.ArrayList<>();
        for (JsonFields term : json.array("features")) {
            String name = term.string("name");
            int column = schema.indexOf(name);
            if (column < 0) {
                throw term.error("name", "feature '" + name + "' is not in the member's schema");
            }
            FeatureSpec feature = schema.feature(column);
            String type = term.string("type");
            if (type.equals("numeric") != !feature.isCategorical()) {
                throw term.error("type", "feature '" + name + "' is " + (feature.isCategorical() ? "categorical" : "numeric")
                        + " in the schema but " + type + " in the model");
            }
            if (type.equals("numeric")) {
                String transform = term.string("transform", "identity");
                if (!transform.equals("identity") && !transform.equals("log1p")) {
                    throw term.error("transform", "expected identity or log1p, not " + transform);
                }
                double c = term.number("center", 0);
                double s = term.number("scale", 1);
                if (!(s > 0) || !Double.isFinite(s)) {
                    throw term.error("scale", "must be a positive finite number, not " + s);
                }
                numeric.add(new double[] {column, transform.equals("log1p") ? 1 : 0, term.number("impute", c), c, s});
                numericCoef.add(checkLength(term, "coef", term.numbers("coef"), outputs));
            } else {
                List<String> categories = term.strings("categories");
                List<JsonFields> rows = term.array("coef");
                if (rows.size() != categories.size()) {
                    throw term.error("coef", "has " + rows.size() + " rows for " + categories.size() + " categories");
                }
                double[][] coef = new double[rows.size()][];
                for (int k = 0; k < coef.length; k++) {
                    coef[k] = checkLength(rows.get(k), null, rows.get(k).asNumbers(), outputs);
                }
                int[] binding = new int[feature.categories().size() + 1];
                binding[0] = column;
                for (int code = 0; code < feature.categories().size(); code++) {
                    binding[code + 1] = categories.indexOf(feature.categories().get(code));
                }
                categorical.add(binding);
                categoricalCoef.add(coef);
            }
        }
        return new LinearModel(task, link, intercept, numeric, numericCoef, categorical, categoricalCoef);
    }

    private static double[] checkLength(JsonFields at, String field, double[] values, int outputs) throws ManifestException {
        if (values.length != outputs) {
            String message = "has " + values.length + " values; expected one per output (" + outputs + ")";
            throw field == null ? at.error(message) : at.error(field, message);
        }
        return values;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, JsonFields json, String field) throws ManifestException {
        String value = json.string(field);
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw json.error(field, "unknown value \"" + value + "\"; expected one of "
                    + Arrays.stream(type.getEnumConstants()).map(LinearModel::name).toList());
        }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Computes the outputs of one row.
     *
     * @param row features, read from {@code rowOffset}
     * @param eta scratch and result, length {@link #outputs()}: probabilities or values on return
     */
    void predict(java.nio.FloatBuffer row, int rowOffset, double[] eta) {
        System.arraycopy(intercept, 0, eta, 0, outputs);
        for (int i = 0; i < numericColumn.length; i++) {
            double x = row.get(rowOffset + numericColumn[i]);
            double t = log1p[i] ? Math.log1p(x) : x;
            if (Double.isNaN(t)) {
                t = impute[i];
            }
            double z = (t - center[i]) / scale[i];
            double[] coef = numericCoef[i];
            for (int o = 0; o < outputs; o++) {
                eta[o] += coef[o] * z;
            }
        }
        for (int i = 0; i < categoricalColumn.length; i++) {
            float code = row.get(rowOffset + categoricalColumn[i]);
            int[] map = modelCategoryOfCode[i];
            if (code >= 0 && code < map.length && map[(int) code] >= 0) {
                double[] coef = categoricalCoef[i][map[(int) code]];
                for (int o = 0; o < outputs; o++) {
                    eta[o] += coef[o];
                }
            }
        }
        switch (link) {
            case LOGISTIC -> eta[0] = 1.0 / (1.0 + Math.exp(-eta[0]));
            case SOFTMAX -> softmax(eta, outputs);
            case IDENTITY -> { }
        }
    }

    private static void softmax(double[] eta, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, eta[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            eta[k] = Math.exp(eta[k] - max);
            sum += eta[k];
        }
        for (int k = 0; k < n; k++) {
            eta[k] /= sum;
        }
    }
}
