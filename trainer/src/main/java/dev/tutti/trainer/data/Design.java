package dev.tutti.trainer.data;

import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The dense design matrix the linear and neural members learn from, fitted on their training rows:
 * each numeric feature standardised ({@code (x - mean) * (1 / std)} in float32, a missing value
 * imputed with the mean, so it becomes 0) and each categorical feature one-hot (one column per
 * label, all zero for a missing or unknown value). Numeric columns come first, in schema order,
 * then the one-hot blocks.
 *
 * <p>The exported members compute exactly this from raw rows: the linear JSON through its
 * {@code center}/{@code scale}/{@code impute} terms and per-label coefficients, the ONNX network in
 * its first nodes. Threads: immutable. Allocation: {@link #encode} returns a new matrix.
 */
public final class Design {
    private final InputSchema schema;
    private final int[] numericFeatures;
    private final float[] mean;
    private final float[] inverseStd;
    private final int[] categoricalFeatures;
    private final int width;

    private Design(InputSchema schema, int[] numericFeatures, float[] mean, float[] inverseStd, int[] categoricalFeatures) {
        this.schema = schema;
        this.numericFeatures = numericFeatures;
        this.mean = mean;
        this.inverseStd = inverseStd;
        this.categoricalFeatures = categoricalFeatures;
        int w = numericFeatures.length;
        for (int f : categoricalFeatures) {
            w += schema.feature(f).categories().size();
        }
        this.width = w;
    }

    /** Means and standard deviations (population, over present values) of {@code rows}; a constant feature gets scale 1. */
    public static Design fit(Dataset data, int[] rows) {
        InputSchema schema = data.schema().features();
        List<Integer> numeric = new ArrayList<>();
        List<Integer> categorical = new ArrayList<>();
        for (int f = 0; f < schema.width(); f++) {
            (schema.feature(f).isCategorical() ? categorical : numeric).add(f);
        }
        float[] mean = new float[numeric.size()];
        float[] inverseStd = new float[numeric.size()];
        for (int i = 0; i < numeric.size(); i++) {
            int f = numeric.get(i);
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            for (int r : rows) {
                double v = data.value(r, f);
                if (!Double.isNaN(v)) {
                    sum += v;
                    sumSq += v * v;
                    n++;
                }
            }
            double m = n == 0 ? 0 : sum / n;
            double variance = n == 0 ? 0 : Math.max(0, sumSq / n - m * m);
            double std = Math.sqrt(variance);
            mean[i] = (float) m;
            inverseStd[i] = std > 1e-12 * Math.max(1, Math.abs(m)) ? (float) (1 / std) : 1f;
        }
        return new Design(schema, numeric.stream().mapToInt(Integer::intValue).toArray(), mean, inverseStd,
                categorical.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Columns of the design matrix. */
    public int width() {
        return width;
    }

    /** The given rows of {@code data} as design rows, row-major. */
    public float[] encode(Dataset data, int[] rows) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            int base = i * width;
            int r = rows[i];
            for (int j = 0; j < numericFeatures.length; j++) {
                float v = data.value(r, numericFeatures[j]);
                out[base + j] = Float.isNaN(v) ? 0f : (v - mean[j]) * inverseStd[j];
            }
            int column = base + numericFeatures.length;
            for (int f : categoricalFeatures) {
                float code = data.value(r, f);
                int categories = schema.feature(f).categories().size();
                if (!Float.isNaN(code) && code >= 0 && code < categories) {
                    out[column + (int) code] = 1f;
                }
                column += categories;
            }
        }
        return out;
    }

    public InputSchema schema() {
        return schema;
    }

    /** Schema indexes of the numeric features, in design order. */
    public int[] numericFeatures() {
        return numericFeatures.clone();
    }

    /** Schema indexes of the categorical features, in design order. */
    public int[] categoricalFeatures() {
        return categoricalFeatures.clone();
    }

    /** Mean of the {@code i}-th numeric feature (its imputed value and centre). */
    public float mean(int i) {
        return mean[i];
    }

    /** The multiplier of the {@code i}-th numeric feature: 1 / std. */
    public float inverseStd(int i) {
        return inverseStd[i];
    }

    /** A categorical feature's spec. */
    public FeatureSpec feature(int schemaIndex) {
        return schema.feature(schemaIndex);
    }
}
