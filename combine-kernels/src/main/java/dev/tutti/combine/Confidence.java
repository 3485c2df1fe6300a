package dev.tutti.combine;

/**
 * Confidence kernels over a combined result (a 1 x outputs x rows {@link ScoreMatrix}) and, for the
 * kernels that look at how members agree, the members' scores.
 *
 * <p>Each batch kernel writes {@code out[row]} for rows {@code [0, combined.rows())}; {@code out} must
 * hold at least that many entries. A row the ensemble could not answer (NaN combined value) gets
 * NaN (or class -1).
 *
 * <p>Member weights: the kernels that weigh members use {@link Combiner#weight} renormalised over the
 * members present (ignoring members with weight 0), like the combiners do; stacking weighs every
 * member 1. A member's own predicted class is taken at the 0.5 threshold (binary) or as its argmax,
 * ties to the lowest class (multiclass), whatever threshold a voting combiner uses.
 *
 * <p>Threads: stateless; each call only reads its inputs and writes {@code out}. Allocation: none
 * (argument checks allocate their message only when they throw).
 */
public final class Confidence {
    private Confidence() {}

    /**
     * The predicted class of every row: binary 1 when {@code p >= 0.5}, else 0; multiclass the argmax
     * (ties to the lowest class); -1 for regression and for a NaN (unanswered) row.
     */
    public static void predictedClass(Task task, ScoreMatrix combined, int[] out) {
        checkCombined(task, combined);
        checkOut(out == null ? -1 : out.length, combined.rows());
        for (int row = 0; row < combined.rows(); row++) {
            out[row] = classOf(task, combined, 0, row);
        }
    }

    /** The predicted class of one row (see {@link #predictedClass(Task, ScoreMatrix, int[])}). */
    public static int predictedClass(Task task, ScoreMatrix combined, int row) {
        checkCombined(task, combined);
        checkRow(row, combined.rows());
        return classOf(task, combined, 0, row);
    }

    /**
     * How much the present members agree, per row, in {@code [0, 1]} (1: they agree exactly).
     *
     * <ul>
     *   <li>Classification: {@code 1 - 2 * std}, where {@code std} is the weighted standard deviation
     *       of the present members' probability of the ensemble's predicted class (binary: {@code p}
     *       when the prediction is class 1, else {@code 1 - p}). Probabilities lie in [0, 1], so the
     *       standard deviation is at most 0.5;
     *   <li>Regression: {@code max(0, 1 - std / spreadScale)} over the members' values.
     * </ul>
     *
     * One present member gives 1. No present member with positive weight, or a NaN combined row, gives NaN.
     *
     * @param combiner the combiner that produced {@code combined} (its task, members and weights)
     * @param scores members x outputs x rows, as given to the combiner
     * @param present the members that answered
     * @param combined the combiner's result (its rows are the rows written)
     * @param spreadScale regression only (ignored otherwise): the spread at which agreement reaches 0,
     *     e.g. the target's standard deviation; finite and positive
     * @param out agreement per row
     */
    public static void agreement(
            Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined, double spreadScale,
            float[] out) {
        checkAgreement(combiner, scores, present, combined, spreadScale, out);
        Task task = combiner.task();
        double total = presentWeight(combiner, present);
        for (int row = 0; row < combined.rows(); row++) {
            if (task == Task.REGRESSION) {
                out[row] = (float) regressionAgreement(combiner, scores, present, total, row, spreadScale);
                continue;
            }
            int cls = classOf(task, combined, 0, row);
            if (cls < 0 || !(total > 0)) {
                out[row] = Float.NaN;
                continue;
            }
            double mean = 0;
            for (int m = 0; m < combiner.members(); m++) {
                double w = effective(combiner, present, total, m);
                if (w > 0) {
                    mean += w * classProbability(task, scores, m, row, cls);
                }
            }
            double variance = 0;
            for (int m = 0; m < combiner.members(); m++) {
                double w = effective(combiner, present, total, m);
                if (w > 0) {
                    double d = classProbability(task, scores, m, row, cls) - mean;
                    variance += w * d * d;
                }
            }
            out[row] = (float) clamp01(1 - 2 * Math.sqrt(variance));
        }
    }

    /**
     * The margin of every row: top-1 minus top-2 class probability (binary {@code |2p - 1|}), in
     * {@code [0, 1]}; NaN for regression and for a NaN row.
     */
    public static void margin(Task task, ScoreMatrix combined, float[] out) {
        checkCombined(task, combined);
        checkOut(out == null ? -1 : out.length, combined.rows());
        for (int row = 0; row < combined.rows(); row++) {
            switch (task) {
                case REGRESSION -> out[row] = Float.NaN;
                case BINARY -> out[row] = (float) Math.abs(2.0 * combined.get(0, 0, row) - 1);
                case MULTICLASS -> {
                    double top1 = Double.NEGATIVE_INFINITY;
                    double top2 = Double.NEGATIVE_INFINITY;
                    boolean nan = false;
                    for (int k = 0; k < combined.outputs(); k++) {
                        double p = combined.get(0, k, row);
                        nan |= Double.isNaN(p);
                        if (p > top1) {
                            top2 = top1;
                            top1 = p;
                        } else if (p > top2) {
                            top2 = p;
                        }
                    }
                    out[row] = nan ? Float.NaN : (float) (top1 - top2);
                }
            }
        }
    }

    /**
     * The normalised entropy of every row's distribution, {@code H(p) / ln K} in {@code [0, 1]} (K = 2
     * for binary; {@code 0 ln 0 = 0}): 0 for a certain answer, 1 for a uniform one. NaN for regression
     * and for a NaN row.
     */
    public static void entropy(Task task, ScoreMatrix combined, float[] out) {
        checkCombined(task, combined);
        checkOut(out == null ? -1 : out.length, combined.rows());
        for (int row = 0; row < combined.rows(); row++) {
            switch (task) {
                case REGRESSION -> out[row] = Float.NaN;
                case BINARY -> {
                    double p = combined.get(0, 0, row);
                    out[row] = (float) clamp01((plnp(p) + plnp(1 - p)) / -Math.log(2));
                }
                case MULTICLASS -> {
                    double h = 0;
                    for (int k = 0; k < combined.outputs(); k++) {
                        h += plnp(combined.get(0, k, row));
                    }
                    out[row] = (float) clamp01(h / -Math.log(combined.outputs()));
                }
            }
        }
    }

    /**
     * How many of the present members back a row's predicted class: the weighted share (weights
     * renormalised over the present members) of the present members whose own predicted class is
     * {@code predictedClass}. For regression, where there is no class, the row's agreement
     * {@code max(0, 1 - std / spreadScale)} (see {@link #agreement}).
     *
     * @param predictedClass the ensemble's class for the row (ignored for regression); a negative
     *     class (an unanswered row) gives NaN
     * @param spreadScale regression only (ignored otherwise): finite and positive
     * @return the share in {@code [0, 1]}, or NaN when no present member has a positive weight
     */
    public static double consensus(
            Combiner combiner, ScoreMatrix scores, boolean[] present, int row, int predictedClass, double spreadScale) {
        checkMembers(combiner, scores, present);
        checkRow(row, scores.rows());
        Task task = combiner.task();
        double total = presentWeight(combiner, present);
        if (task == Task.REGRESSION) {
            checkSpreadScale(spreadScale);
            return regressionAgreement(combiner, scores, present, total, row, spreadScale);
        }
        if (predictedClass >= task.classes(combiner.outputs())) {
            throw new IllegalArgumentException("predictedClass " + predictedClass + " outside [0, "
                    + task.classes(combiner.outputs()) + ")");
        }
        if (predictedClass < 0 || !(total > 0)) {
            return Double.NaN;
        }
        double share = 0;
        for (int m = 0; m < combiner.members(); m++) {
            double w = effective(combiner, present, total, m);
            if (w > 0 && classOf(task, scores, m, row) == predictedClass) {
                share += w;
            }
        }
        return share;
    }

    // ---- helpers

    /** The class member m of matrix predicts at row (binary threshold 0.5, multiclass argmax), -1 if none. */
    private static int classOf(Task task, ScoreMatrix matrix, int member, int row) {
        return switch (task) {
            case REGRESSION -> -1;
            case BINARY -> {
                float p = matrix.get(member, 0, row);
                yield Float.isNaN(p) ? -1 : p >= 0.5f ? 1 : 0;
            }
            case MULTICLASS -> Checks.argmax(matrix, member, row);
        };
    }

    /** Member m's probability of class cls at row (binary: p for class 1, 1 - p for class 0). */
    private static double classProbability(Task task, ScoreMatrix scores, int member, int row, int cls) {
        if (task == Task.BINARY) {
            double p = scores.get(member, 0, row);
            return cls == 1 ? p : 1 - p;
        }
        return scores.get(member, cls, row);
    }

    private static double regressionAgreement(
            Combiner combiner, ScoreMatrix scores, boolean[] present, double total, int row, double spreadScale) {
        if (!(total > 0)) {
            return Double.NaN;
        }
        double mean = 0;
        for (int m = 0; m < combiner.members(); m++) {
            double w = effective(combiner, present, total, m);
            if (w > 0) {
                mean += w * scores.get(m, 0, row);
            }
        }
        double variance = 0;
        for (int m = 0; m < combiner.members(); m++) {
            double w = effective(combiner, present, total, m);
            if (w > 0) {
                double d = scores.get(m, 0, row) - mean;
                variance += w * d * d;
            }
        }
        return Math.max(0, 1 - Math.sqrt(variance) / spreadScale);
    }

    private static double presentWeight(Combiner combiner, boolean[] present) {
        double total = 0;
        for (int m = 0; m < combiner.members(); m++) {
            if (present[m]) {
                total += combiner.weight(m);
            }
        }
        return total;
    }

    private static double effective(Combiner combiner, boolean[] present, double total, int member) {
        return present[member] ? combiner.weight(member) / total : 0;
    }

    private static double plnp(double p) {
        return p > 0 ? p * Math.log(p) : p == 0 ? 0 : Double.NaN;
    }

    private static double clamp01(double x) {
        return Double.isNaN(x) ? x : Math.min(1, Math.max(0, x));
    }

    /** The argument checks of {@link #agreement}, shared with its vector version. */
    static void checkAgreement(
            Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined, double spreadScale,
            float[] out) {
        checkMembers(combiner, scores, present);
        Task task = combiner.task();
        checkCombined(task, combined);
        if (combined.outputs() != combiner.outputs()) {
            throw new IllegalArgumentException(
                    "combined has " + combined.outputs() + " outputs, the combiner " + combiner.outputs());
        }
        if (scores.rows() < combined.rows()) {
            throw new IllegalArgumentException(
                    "scores has " + scores.rows() + " rows, fewer than the " + combined.rows() + " of combined");
        }
        if (task == Task.REGRESSION) {
            checkSpreadScale(spreadScale);
        }
        checkOut(out == null ? -1 : out.length, combined.rows());
    }

    /** The argument checks of the kernels over a combined result ({@code out} of its rows), shared with their vector versions. */
    static void checkCombined(Task task, ScoreMatrix combined, int outLength) {
        checkCombined(task, combined);
        checkOut(outLength, combined.rows());
    }

    private static void checkCombined(Task task, ScoreMatrix combined) {
        if (task == null) {
            throw new IllegalArgumentException("task must not be null");
        }
        if (combined == null) {
            throw new IllegalArgumentException("combined must not be null");
        }
        if (task == Task.MULTICLASS ? combined.outputs() < 2 : combined.outputs() != 1) {
            throw new IllegalArgumentException("combined has " + combined.outputs() + " outputs, which does not fit "
                    + task + (task == Task.MULTICLASS ? " (>= 2)" : " (1)"));
        }
    }

    private static void checkMembers(Combiner combiner, ScoreMatrix scores, boolean[] present) {
        if (combiner == null) {
            throw new IllegalArgumentException("combiner must not be null");
        }
        Checks.scores(combiner, scores);
        Checks.present(present, combiner.members());
    }

    private static void checkOut(int length, int rows) {
        if (length < rows) {
            throw new IllegalArgumentException("out must hold at least " + rows + " entries (the rows of combined), got "
                    + (length < 0 ? "null" : length));
        }
    }

    private static void checkRow(int row, int rows) {
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("row " + row + " outside [0, " + rows + ")");
        }
    }

    private static void checkSpreadScale(double spreadScale) {
        if (!(spreadScale > 0) || Double.isInfinite(spreadScale)) {
            throw new IllegalArgumentException("spreadScale must be finite and positive, got " + spreadScale);
        }
    }
}
