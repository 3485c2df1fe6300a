package dev.tutti.combine;

import java.util.Arrays;

/**
 * The Vector API kernel of every combiner that is a link of a linear form in the members' transformed
 * scores, with {@code K = outputs()}:
 *
 * <pre>
 * s_k = bias_k + sum over present m, sum_j c(m, k, j) * input(x_mj)      answer_k = link(s)_k
 * </pre>
 *
 * The variation between combiners is data, not code:
 *
 * <table>
 *   <caption>What each combiner sets</caption>
 *   <tr><th>combiner</th><th>input</th><th>c(m, k, j)</th><th>bias</th><th>link</th></tr>
 *   <tr><td>weighted average</td><td>value</td><td>w_m [k == j]</td><td>0</td><td>none</td></tr>
 *   <tr><td>geometric mean</td><td>logit (binary), ln p (multiclass)</td><td>w_m [k == j]</td><td>0</td>
 *       <td>sigmoid (binary), softmax</td></tr>
 *   <tr><td>logit average</td><td>logit</td><td>w_m [k == j]</td><td>0</td><td>sigmoid, then
 *       normalised over classes (multiclass)</td></tr>
 *   <tr><td>voting</td><td>binary {@code [p >= threshold]}; multiclass one-hot argmax</td>
 *       <td>w_m [k == j]</td><td>0</td><td>none</td></tr>
 *   <tr><td>stacking</td><td>value or logit</td><td>the meta-model's coefficients</td>
 *       <td>intercept, absent members' fill terms, pass-through features</td><td>its link</td></tr>
 * </table>
 *
 * {@code w_m} is the member's weight renormalised over the members present. The binary geometric mean
 * is computed as {@code sigmoid(sum w_m logit(p_m))}, which equals the reference's
 * {@code prod p^w / (prod p^w + prod (1 - p)^w)}.
 *
 * <p>Layout of the work: rows in lanes. {@code s} is accumulated in the output matrix one term at a
 * time over all rows ({@link VectorTerms}), and the link is applied in a last pass
 * ({@link VectorLinks}). This class only arranges the terms; it never touches a vector itself.
 *
 * <p>Threads: immutable, shareable. Ownership: copies what it needs of the reference's parameters.
 * Allocation: {@link #combine} allocates nothing.
 */
final class VectorLinearCombiner extends VectorCombiner {
    /** How a member's score enters the linear form. */
    enum Input {
        VALUE,
        LOG,
        LOGIT,
        /** Binary vote: 1 when {@code p >= threshold}. */
        VOTE,
        /** Multiclass vote: one-hot of the member's argmax (ties to the lowest class). */
        ARGMAX_VOTE
    }

    /** From {@code s} to the answer. */
    enum Link {
        NONE,
        SIGMOID,
        /** {@code e^s_k / sum_j e^s_j}. */
        SOFTMAX,
        /** {@code sigmoid(s_k) / sum_j sigmoid(s_j)}. */
        SIGMOID_NORMALISED
    }

    private final Input input;
    private final Link link;
    private final float threshold;
    /** Diagonal form: each member's nominal weight, renormalised per batch; null in the full form. */
    private final double[] weights;
    /** Full form (stacking): {@code c(m, k, j)} at {@code [(m * K + k) * K + j]}. */
    private final float[] coefficients;
    private final double[] intercept;
    private final double[] fill;
    private final int[] passThrough;
    private final double[][] passThroughCoefficients;
    private final Stacking stacking;

    private VectorLinearCombiner(Combiner reference, Input input, Link link, float threshold, double[] weights,
            Stacking stacking) {
        super(reference);
        this.input = input;
        this.link = link;
        this.threshold = threshold;
        this.weights = weights;
        this.stacking = stacking;
        if (stacking == null) {
            this.coefficients = null;
            this.intercept = new double[outputs];
            this.fill = null;
            this.passThrough = new int[0];
            this.passThroughCoefficients = new double[0][];
            return;
        }
        StackingModel model = stacking.model();
        double[][] c = model.coefficients();
        this.coefficients = new float[members * outputs * outputs];
        for (int m = 0; m < members; m++) {
            for (int i = 0; i < outputs * outputs; i++) {
                coefficients[m * outputs * outputs + i] = (float) c[m][i];
            }
        }
        this.intercept = model.intercept();
        this.fill = model.fill();
        this.passThrough = model.passThroughFeatures();
        this.passThroughCoefficients = model.passThroughCoefficients();
    }

    /** The kernel of a weighted combiner, given how scores enter and the link. */
    static VectorLinearCombiner weighted(WeightedCombiner reference, Input input, Link link, double threshold) {
        double[] weights = new double[reference.members()];
        for (int m = 0; m < weights.length; m++) {
            weights[m] = reference.weight(m);
        }
        return new VectorLinearCombiner(reference, input, link, VectorMath.atLeast(threshold), weights, null);
    }

    static VectorLinearCombiner stacking(Stacking reference) {
        StackingModel model = reference.model();
        Input input = model.input() == StackingModel.Input.LOGIT ? Input.LOGIT : Input.VALUE;
        Link link = switch (model.link()) {
            case IDENTITY -> Link.NONE;
            case LOGISTIC -> Link.SIGMOID;
            case SOFTMAX -> Link.SOFTMAX;
        };
        return new VectorLinearCombiner(reference, input, link, 0, null, reference);
    }

    @Override
    void combineRows(ScoreMatrix scores, boolean[] present, FeatureRows features, ScoreMatrix out) {
        if (stacking != null) {
            stacking.checkFeatures(features);
        }
        int rows = scores.rows();
        if (rows == 0) {
            return;
        }
        double scale = weights == null ? 1 : 1 / presentWeight(present);
        initialise(present, features, rows, out);
        for (int m = 0; m < members; m++) {
            float w = !present[m] ? 0 : weights == null ? 1 : (float) (weights[m] * scale);
            if (!(w > 0)) {
                continue;
            }
            if (input == Input.ARGMAX_VOTE) {
                VectorTerms.argmaxVotes(scores.data(), scores.offset(m, 0), scores.capacity(), outputs, out.data(),
                        out.offset(0, 0), out.capacity(), rows, w);
                continue;
            }
            for (int j = 0; j < outputs; j++) {
                for (int k = 0; k < outputs; k++) {
                    float c = coefficients == null ? (k == j ? w : 0) : coefficients[(m * outputs + k) * outputs + j];
                    if (c != 0) {
                        addTerm(scores, m, j, c, out, k, rows);
                    }
                }
            }
        }
        link(out, rows);
    }

    /** {@code s_k = bias_k} for every row: the intercept, absent members' fill terms and pass-through features. */
    private void initialise(boolean[] present, FeatureRows features, int rows, ScoreMatrix out) {
        float[] y = out.data();
        for (int k = 0; k < outputs; k++) {
            double bias = intercept[k];
            for (int m = 0; fill != null && m < members; m++) {
                if (!present[m]) {
                    for (int j = 0; j < outputs; j++) {
                        bias += coefficients[(m * outputs + k) * outputs + j] * fill[m * outputs + j];
                    }
                }
            }
            Arrays.fill(y, out.offset(0, k), out.offset(0, k) + rows, (float) bias);
        }
        for (int i = 0; i < passThrough.length; i++) {
            for (int row = 0; row < rows; row++) {
                float f = features.get(row, passThrough[i]);
                if (Float.isNaN(f)) {
                    continue; // a missing pass-through feature contributes 0, as in the reference
                }
                for (int k = 0; k < outputs; k++) {
                    y[out.offset(0, k) + row] += (float) (passThroughCoefficients[i][k] * f);
                }
            }
        }
    }

    /**
     * {@code s_k += c * input(x_mj)} over all rows: one term of the linear form. (The full form
     * transforms an input once per output it feeds, as the reference does; the diagonal form feeds each
     * input to one output.)
     */
    private void addTerm(ScoreMatrix scores, int m, int j, float c, ScoreMatrix out, int k, int rows) {
        float[] x = scores.data();
        float[] y = out.data();
        int source = scores.offset(m, j);
        int target = out.offset(0, k);
        switch (input) {
            case VALUE -> VectorTerms.values(x, source, y, target, rows, c);
            case LOG -> VectorTerms.logs(x, source, y, target, rows, c);
            case LOGIT -> VectorTerms.logits(x, source, y, target, rows, c);
            case VOTE -> VectorTerms.votes(x, source, y, target, rows, c, threshold);
            case ARGMAX_VOTE -> throw new IllegalStateException("argmax votes are added per member");
        }
    }

    /** Turns {@code s} into the answers, in place. */
    private void link(ScoreMatrix out, int rows) {
        float[] y = out.data();
        int offset = out.offset(0, 0);
        int stride = out.capacity();
        switch (link) {
            case NONE -> { }
            case SIGMOID -> VectorLinks.sigmoid(y, offset, rows);
            case SOFTMAX -> {
                VectorLinks.exponentiate(y, offset, stride, outputs, rows);
                VectorLinks.normalise(y, offset, stride, outputs, rows);
            }
            case SIGMOID_NORMALISED -> {
                for (int k = 0; k < outputs; k++) {
                    VectorLinks.sigmoid(y, offset + k * stride, rows);
                }
                VectorLinks.normalise(y, offset, stride, outputs, rows);
            }
        }
    }
}
