package dev.tutti.combine;

import java.util.Arrays;

/**
 * A fitted linear meta-model for {@link Stacking}: a generalised linear model over the members'
 * (transformed) scores and, optionally, some input features passed through.
 *
 * <p>With {@code K = outputs()} (1 for binary and regression) every member feeds K inputs to the
 * meta-model: its score for each output, transformed by {@link #input()}. The linear predictor of
 * output k is
 *
 * <pre>
 * eta_k = intercept[k]
 *       + sum_m sum_j coefficients[m][k*K + j] * input(m, j)
 *       + sum_i passThroughCoefficients[i][k] * feature(passThroughFeatures[i])
 * </pre>
 *
 * and the answer is {@code link(eta)}. For binary and regression {@code coefficients[m]} is the single
 * coefficient {@code {c_m}}; for multiclass it has {@code K*K} entries, the coefficient of member m's
 * class-j input for output k at {@code [k*K + j]}.
 *
 * <p>A member that did not answer is <b>imputed, not renormalised</b>: its K inputs are replaced by
 * {@code fill[m*K + j]} (in the transformed space, e.g. the member's mean transformed score on the
 * validation set the meta-model was fitted on), and the other members' coefficients are used as they
 * are. A NaN pass-through feature contributes 0 to {@code eta}.
 *
 * <p>The record validates its shape (but not its fit to a task: {@link Stacking} does that) and holds
 * deep copies of the arrays; its accessors return copies, and equality compares contents.
 *
 * <p>Threads: immutable, shareable. Allocation: copies on construction and on every array accessor.
 *
 * @param link the link from {@code eta} to the answer
 * @param input how the members' scores are transformed into meta-model inputs
 * @param intercept one per output
 * @param coefficients {@code coefficients[m]}: member m's coefficients, {@code K*K} entries
 * @param passThroughFeatures the feature columns passed through to the meta-model (may be empty)
 * @param passThroughCoefficients {@code [i][k]}: coefficient of pass-through feature i for output k
 * @param fill {@code members x K}: the transformed input imputed for an absent member
 */
public record StackingModel(
        Link link,
        Input input,
        double[] intercept,
        double[][] coefficients,
        int[] passThroughFeatures,
        double[][] passThroughCoefficients,
        double[] fill) {

    /** The link from the linear predictor to the answer. */
    public enum Link {
        /** Binary: {@code p = sigmoid(eta)}. */
        LOGISTIC,
        /** Multiclass: {@code p_k = softmax(eta)_k}. */
        SOFTMAX,
        /** Regression: the value is {@code eta}. */
        IDENTITY;

        /** The link a task requires. */
        public static Link of(Task task) {
            return switch (task) {
                case BINARY -> LOGISTIC;
                case MULTICLASS -> SOFTMAX;
                case REGRESSION -> IDENTITY;
            };
        }
    }

    /** How each member's score is transformed before it enters the meta-model. */
    public enum Input {
        /** The score as the member gave it: a probability for classification, the value for regression. */
        PROBABILITY,
        /**
         * The logit of the clamped probability ({@link Probabilities#logit}), per class for multiclass.
         * Classification only.
         */
        LOGIT
    }

    public StackingModel {
        if (link == null) {
            throw new IllegalArgumentException("link must not be null");
        }
        if (input == null) {
            throw new IllegalArgumentException("input must not be null");
        }
        if (link == Link.IDENTITY && input == Input.LOGIT) {
            throw new IllegalArgumentException("input LOGIT needs a classification link, not IDENTITY (regression)");
        }
        if (intercept == null) {
            throw new IllegalArgumentException("intercept must not be null");
        }
        int outputs = intercept.length;
        if (link == Link.SOFTMAX ? outputs < 2 : outputs != 1) {
            throw new IllegalArgumentException("intercept must have one entry per output ("
                    + (link == Link.SOFTMAX ? ">= 2" : "1") + " for " + link + "), got " + outputs);
        }
        finite("intercept", intercept);
        if (coefficients == null || coefficients.length == 0) {
            throw new IllegalArgumentException("coefficients must have one entry per member, got "
                    + (coefficients == null ? "null" : "none"));
        }
        int perMember = outputs * outputs;
        double[][] coefficientsCopy = new double[coefficients.length][];
        for (int m = 0; m < coefficients.length; m++) {
            double[] c = coefficients[m];
            if (c == null || c.length != perMember) {
                throw new IllegalArgumentException("coefficients[" + m + "] must have " + perMember
                        + " entries (outputs x outputs, [k*K + j]), got " + (c == null ? "null" : c.length));
            }
            finite("coefficients[" + m + "]", c);
            coefficientsCopy[m] = c.clone();
        }
        if (passThroughFeatures == null) {
            throw new IllegalArgumentException("passThroughFeatures must not be null (use an empty array)");
        }
        for (int i = 0; i < passThroughFeatures.length; i++) {
            if (passThroughFeatures[i] < 0) {
                throw new IllegalArgumentException(
                        "passThroughFeatures[" + i + "] must be >= 0, got " + passThroughFeatures[i]);
            }
        }
        if (passThroughCoefficients == null || passThroughCoefficients.length != passThroughFeatures.length) {
            throw new IllegalArgumentException("passThroughCoefficients must have one entry per pass-through feature ("
                    + passThroughFeatures.length + "), got "
                    + (passThroughCoefficients == null ? "null" : passThroughCoefficients.length));
        }
        double[][] passThroughCopy = new double[passThroughCoefficients.length][];
        for (int i = 0; i < passThroughCoefficients.length; i++) {
            double[] c = passThroughCoefficients[i];
            if (c == null || c.length != outputs) {
                throw new IllegalArgumentException("passThroughCoefficients[" + i + "] must have one entry per output ("
                        + outputs + "), got " + (c == null ? "null" : c.length));
            }
            finite("passThroughCoefficients[" + i + "]", c);
            passThroughCopy[i] = c.clone();
        }
        if (fill == null || fill.length != coefficients.length * outputs) {
            throw new IllegalArgumentException("fill must have members x outputs = " + coefficients.length * outputs
                    + " entries, got " + (fill == null ? "null" : fill.length));
        }
        finite("fill", fill);
        intercept = intercept.clone();
        coefficients = coefficientsCopy;
        passThroughFeatures = passThroughFeatures.clone();
        passThroughCoefficients = passThroughCopy;
        fill = fill.clone();
    }

    private static void finite(String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + values[i]);
            }
        }
    }

    /** Outputs per row ({@code K}): the length of {@link #intercept()}. */
    public int outputs() {
        return intercept.length;
    }

    /** Members of the ensemble: the length of {@link #coefficients()}. */
    public int members() {
        return coefficients.length;
    }

    @Override
    public double[] intercept() {
        return intercept.clone();
    }

    @Override
    public double[][] coefficients() {
        double[][] copy = new double[coefficients.length][];
        for (int m = 0; m < copy.length; m++) {
            copy[m] = coefficients[m].clone();
        }
        return copy;
    }

    @Override
    public int[] passThroughFeatures() {
        return passThroughFeatures.clone();
    }

    @Override
    public double[][] passThroughCoefficients() {
        double[][] copy = new double[passThroughCoefficients.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = passThroughCoefficients[i].clone();
        }
        return copy;
    }

    @Override
    public double[] fill() {
        return fill.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StackingModel that
                && link == that.link
                && input == that.input
                && Arrays.equals(intercept, that.intercept)
                && Arrays.deepEquals(coefficients, that.coefficients)
                && Arrays.equals(passThroughFeatures, that.passThroughFeatures)
                && Arrays.deepEquals(passThroughCoefficients, that.passThroughCoefficients)
                && Arrays.equals(fill, that.fill);
    }

    @Override
    public int hashCode() {
        int h = link.hashCode();
        h = 31 * h + input.hashCode();
        h = 31 * h + Arrays.hashCode(intercept);
        h = 31 * h + Arrays.deepHashCode(coefficients);
        h = 31 * h + Arrays.hashCode(passThroughFeatures);
        h = 31 * h + Arrays.deepHashCode(passThroughCoefficients);
        return 31 * h + Arrays.hashCode(fill);
    }

    @Override
    public String toString() {
        return "StackingModel[link=" + link + ", input=" + input + ", intercept=" + Arrays.toString(intercept)
                + ", coefficients=" + Arrays.deepToString(coefficients)
                + ", passThroughFeatures=" + Arrays.toString(passThroughFeatures)
                + ", passThroughCoefficients=" + Arrays.deepToString(passThroughCoefficients)
                + ", fill=" + Arrays.toString(fill) + "]";
    }
}
