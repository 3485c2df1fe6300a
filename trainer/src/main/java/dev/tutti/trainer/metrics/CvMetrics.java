package dev.tutti.trainer.metrics;

import dev.tutti.combine.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quality measures of predictions against targets, by task: binary {@code auc}, {@code logLoss},
 * {@code accuracy} (at 0.5), {@code brier}; multiclass {@code logLoss}, {@code accuracy};
 * regression {@code rmse}, {@code mae}, {@code r2}. Probabilities are clamped to
 * [1e-7, 1 - 1e-7] before logs, as the engine's combiners do. The first measure is the one a
 * library table sorts by; {@link #higherIsBetter} says which way.
 *
 * <p>Stateless; allocation only for the AUC's sort.
 */
public final class CvMetrics {
    private static final double EPS = 1e-7;

    private CvMetrics() {}

    /**
     * @param predictions rows x outputs, row-major, for the rows listed in {@code rows}, in that order
     * @param targets indexed by row number (class index or value)
     */
    public static Map<String, Double> compute(Task task, int outputs, double[] targets, int[] rows, double[] predictions) {
        Map<String, Double> m = new LinkedHashMap<>();
        int n = rows.length;
        switch (task) {
            case BINARY -> {
                double[] p = new double[n];
                int[] y = new int[n];
                double logLoss = 0;
                double brier = 0;
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    p[i] = predictions[i];
                    y[i] = (int) targets[rows[i]];
                    double q = clamp(p[i]);
                    logLoss -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
                    brier += (p[i] - y[i]) * (p[i] - y[i]);
                    correct += (p[i] >= 0.5 ? 1 : 0) == y[i] ? 1 : 0;
                }
                m.put("auc", auc(p, y));
                m.put("logLoss", logLoss / n);
                m.put("accuracy", (double) correct / n);
                m.put("brier", brier / n);
            }
            case MULTICLASS -> {
                double logLoss = 0;
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    int y = (int) targets[rows[i]];
                    logLoss -= Math.log(clamp(predictions[i * outputs + y]));
                    int best = 0;
                    for (int k = 1; k < outputs; k++) {
                        if (predictions[i * outputs + k] > predictions[i * outputs + best]) {
                            best = k;
                        }
                    }
                    correct += best == y ? 1 : 0;
                }
                m.put("logLoss", logLoss / n);
                m.put("accuracy", (double) correct / n);
            }
            case REGRESSION -> {
                double mean = 0;
                for (int r : rows) {
                    mean += targets[r];
                }
                mean /= n;
                double sse = 0;
                double sae = 0;
                double sst = 0;
                for (int i = 0; i < n; i++) {
                    double e = predictions[i] - targets[rows[i]];
                    sse += e * e;
                    sae += Math.abs(e);
                    sst += (targets[rows[i]] - mean) * (targets[rows[i]] - mean);
                }
                m.put("rmse", Math.sqrt(sse / n));
                m.put("mae", sae / n);
                m.put("r2", sst == 0 ? 0 : 1 - sse / sst);
            }
        }
        return m;
    }

    /** Whether a larger value of {@code metric} is better. */
    public static boolean higherIsBetter(String metric) {
        return metric.equals("auc") || metric.equals("accuracy") || metric.equals("r2");
    }

    /** Area under the ROC curve by the rank-sum (Mann-Whitney) statistic, ties sharing their mean rank; NaN with one class. */
    static double auc(double[] p, int[] y) {
        int n = p.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
        double rankSumPositives = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && p[order[j + 1]] == p[order[i]]) {
                j++;
            }
            double meanRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[order[k]] == 1) {
                    rankSumPositives += meanRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static double clamp(double p) {
        return Math.min(1 - EPS, Math.max(EPS, p));
    }
}
