package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

/**
 * Stacking: a fitted linear meta-model ({@link StackingModel}) over the members' scores and optional
 * pass-through features. With {@code K = outputs()}:
 *
 * <pre>
 * eta_k = intercept[k] + sum_m sum_j coefficients[m][k*K + j] * input(m, j) + sum_i passThrough[i][k] * feature_i
 * answer = sigmoid(eta_0) (binary) | softmax(eta)_k (multiclass) | eta_0 (regression)
 * </pre>
 *
 * where {@code input(m, j)} is member m's score for output j, as is or as a clamped logit
 * ({@link StackingModel.Input}).
 *
 * <p>Missing members: the meta-model was fitted with every member, so an absent member is
 * <b>imputed, not renormalised</b>: its inputs are replaced by the model's {@code fill} values and
 * the other coefficients are unchanged. The combiner can answer as long as at least one member is
 * present. A NaN pass-through feature contributes 0. Members have no weights: {@link #weight}
 * returns 1 for every member.
 *
 * <p>Explanation: space {@link ContributionSpace#LOGIT} (binary), {@link ContributionSpace#LOG}
 * (multiclass: {@code eta} before the softmax) or {@link ContributionSpace#VALUE} (regression); base
 * {@code intercept[k]} plus the row's pass-through terms; contribution of member m
 * {@code sum_j coefficients[m][k*K + j] * input(m, j)}. An absent member is reported with
 * {@code present = false}, output NaN and the contribution of its fill values (which are part of
 * {@code eta}). {@link MemberContribution#weight()} is the member's own-class coefficient
 * {@code coefficients[m][k*K + k]} (for binary and regression its single coefficient).
 *
 * <p>Threads: immutable, shareable. Ownership: copies the model's arrays. Allocation:
 * {@link #combine} allocates nothing; {@link #explain} allocates its result.
 */
public final class Stacking implements Combiner {
    private final Task task;
    private final int outputs;
    private final StackingModel model;
    private final StackingModel.Link link;
    private final StackingModel.Input input;
    private final double[] intercept;
    private final double[][] coefficients;
    private final int[] features;
    private final double[][] featureCoefficients;
    private final double[] fill;
    private final int minimumWidth;

    /**
     * @param task any task; {@code model.link()} must be {@link StackingModel.Link#of(Task) its link}
     * @param outputs 1 for binary and regression, K >= 2 for multiclass; must equal {@code model.outputs()}
     * @param model the fitted meta-model; its member count is this combiner's
     */
    public Stacking(Task task, int outputs, StackingModel model) {
        Checks.outputs(task, outputs);
        if (model == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        if (model.link() != StackingModel.Link.of(task)) {
            throw new IllegalArgumentException(
                    "model.link must be " + StackingModel.Link.of(task) + " for " + task + ", got " + model.link());
        }
        if (model.outputs() != outputs) {
            throw new IllegalArgumentException(
                    "model has " + model.outputs() + " outputs (intercept length), but outputs is " + outputs);
        }
        this.task = task;
        this.outputs = outputs;
        this.model = model;
        this.link = model.link();
        this.input = model.input();
        this.intercept = model.intercept();
        this.coefficients = model.coefficients();
        this.features = model.passThroughFeatures();
        this.featureCoefficients = model.passThroughCoefficients();
        this.fill = model.fill();
        int width = 0;
        for (int feature : features) {
            width = Math.max(width, feature + 1);
        }
        this.minimumWidth = width;
    }

    /** The meta-model. */
    public StackingModel model() {
        return model;
    }

    @Override
    public String name() {
        return "stacking";
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public int members() {
        return coefficients.length;
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public ContributionSpace space() {
        return switch (link) {
            case LOGISTIC -> ContributionSpace.LOGIT;
            case SOFTMAX -> ContributionSpace.LOG;
            case IDENTITY -> ContributionSpace.VALUE;
        };
    }

    /** Always 1: a meta-model's coefficients are not weights. */
    @Override
    public double weight(int member) {
        if (member < 0 || member >= coefficients.length) {
            throw new IndexOutOfBoundsException("member " + member + " outside [0, " + coefficients.length + ")");
        }
        return 1;
    }

    /** True when at least one member is present (absent members are imputed). */
    @Override
    public boolean canAnswer(boolean[] present) {
        Checks.present(present, coefficients.length);
        for (boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    /** Rejects {@code rows} when the model passes features through and they are missing or too narrow. */
    void checkFeatures(FeatureRows rows) {
        if (features.length == 0) {
            return;
        }
        if (rows == null) {
            throw new IllegalArgumentException("features must not be null: the model passes through "
                    + features.length + " input features");
        }
        if (rows.width() < minimumWidth) {
            throw new IllegalArgumentException("features has width " + rows.width()
                    + ", but the model passes through column " + (minimumWidth - 1));
        }
    }

    /** Member m's j-th meta-model input at row: its transformed score, or the fill when absent. */
    private double input(ScoreMatrix scores, boolean[] present, int member, int j, int row) {
        if (!present[member]) {
            return fill[member * outputs + j];
        }
        double x = scores.get(member, j, row);
        return input == StackingModel.Input.LOGIT ? Probabilities.logit(x) : x;
    }

    /** Member m's term in {@code eta_k}. */
    private double memberTerm(ScoreMatrix scores, boolean[] present, int member, int output, int row) {
        double sum = 0;
        for (int j = 0; j < outputs; j++) {
            sum += coefficients[member][output * outputs + j] * input(scores, present, member, j, row);
        }
        return sum;
    }

    /** {@code intercept[k]} plus the pass-through terms of {@code row} (NaN features contribute 0). */
    private double base(FeatureRows rows, int output, int row) {
        double sum = intercept[output];
        for (int i = 0; i < features.length; i++) {
            double f = rows.get(row, features[i]);
            if (!Double.isNaN(f)) {
                sum += featureCoefficients[i][output] * f;
            }
        }
        return sum;
    }

    private double eta(ScoreMatrix scores, boolean[] present, FeatureRows rows, int output, int row) {
        double eta = base(rows, output, row);
        for (int m = 0; m < coefficients.length; m++) {
            eta += memberTerm(scores, present, m, output, row);
        }
        return eta;
    }

    @Override
    public void combine(ScoreMatrix scores, boolean[] present, FeatureRows rows, ScoreMatrix out) {
        Checks.combine(this, scores, present, out);
        if (!canAnswer(present)) {
            Checks.fillNaN(out);
            return;
        }
        checkFeatures(rows);
        for (int row = 0; row < scores.rows(); row++) {
            switch (link) {
                case IDENTITY -> out.set(0, 0, row, (float) eta(scores, present, rows, 0, row));
                case LOGISTIC -> out.set(0, 0, row, (float) Probabilities.sigmoid(eta(scores, present, rows, 0, row)));
                case SOFTMAX -> {
                    double max = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    for (int k = 0; k < outputs; k++) {
                        double e = eta(scores, present, rows, k, row);
                        if (e > max) {
                            sum = sum * Math.exp(max - e) + 1;
                            max = e;
                        } else {
                            sum += Math.exp(e - max);
                        }
                    }
                    double logNorm = max + Math.log(sum);
                    for (int k = 0; k < outputs; k++) {
                        out.set(0, k, row, (float) Math.exp(eta(scores, present, rows, k, row) - logNorm));
                    }
                }
            }
        }
    }

    @Override
    public Explanation explain(ScoreMatrix scores, boolean[] present, FeatureRows rows, int row, int output) {
        Checks.explain(this, scores, present, row, output);
        if (!canAnswer(present)) {
            return Checks.unanswerable(space(), scores, present, row, output);
        }
        checkFeatures(rows);
        double base = base(rows, output, row);
        double eta = base;
        List<MemberContribution> members = new ArrayList<>(coefficients.length);
        for (int m = 0; m < coefficients.length; m++) {
            double term = memberTerm(scores, present, m, output, row);
            eta += term;
            double x = present[m] ? scores.get(m, output, row) : Double.NaN;
            double coefficient = coefficients[m][output * outputs + output];
            members.add(new MemberContribution(m, present[m], x, coefficient, term));
        }
        return new Explanation(space(), output, base, eta, members);
    }

    @Override
    public String toString() {
        return "stacking(" + task + ", " + outputs + " outputs, " + coefficients.length + " members, " + link + ", "
                + input + ")";
    }
}
