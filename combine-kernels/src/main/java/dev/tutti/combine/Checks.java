package dev.tutti.combine;

import java.util.ArrayList;
import java.util.List;

/**
 * Argument checks and small helpers shared by the combiners. Checks allocate only when they throw.
 */
final class Checks {
    private Checks() {}

    /** Rejects a null task and an output count that does not fit it. */
    static void outputs(Task task, int outputs) {
        if (task == null) {
            throw new IllegalArgumentException("task must not be null");
        }
        if (task == Task.MULTICLASS) {
            if (outputs < 2) {
                throw new IllegalArgumentException("outputs must be >= 2 (one per class) for MULTICLASS, got " + outputs);
            }
        } else if (outputs != 1) {
            throw new IllegalArgumentException("outputs must be 1 for " + task + ", got " + outputs);
        }
    }

    /**
     * {@link #outputs}, then rejects {@link Task#REGRESSION}, which {@code combiner} (as it reads after
     * "not supported by", e.g. {@code voting}) does not support.
     */
    static void classification(Task task, int outputs, String combiner) {
        outputs(task, outputs);
        if (task == Task.REGRESSION) {
            throw new IllegalArgumentException(
                    "task REGRESSION is not supported by " + combiner + " (BINARY or MULTICLASS only)");
        }
    }

    static void present(boolean[] present, int members) {
        if (present == null) {
            throw new IllegalArgumentException("present must not be null");
        }
        if (present.length != members) {
            throw new IllegalArgumentException(
                    "present must have one entry per member (" + members + "), got " + present.length);
        }
    }

    static void scores(Combiner combiner, ScoreMatrix scores) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        if (scores.members() != combiner.members() || scores.outputs() != combiner.outputs()) {
            throw new IllegalArgumentException("scores must be " + combiner.members() + " members x "
                    + combiner.outputs() + " outputs, got " + scores.members() + " x " + scores.outputs());
        }
    }

    /** Checks the arguments of {@link Combiner#combine} and sets the row count of {@code out}. */
    static void combine(Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix out) {
        scores(combiner, scores);
        present(present, combiner.members());
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (out.members() != 1 || out.outputs() != combiner.outputs()) {
            throw new IllegalArgumentException("out must be 1 member x " + combiner.outputs() + " outputs, got "
                    + out.members() + " x " + out.outputs());
        }
        if (out.capacity() < scores.rows()) {
            throw new IllegalArgumentException(
                    "out capacity " + out.capacity() + " is below the " + scores.rows() + " rows of scores");
        }
        out.rows(scores.rows());
    }

    /** Checks the arguments of {@link Combiner#explain}. */
    static void explain(Combiner combiner, ScoreMatrix scores, boolean[] present, int row, int output) {
        scores(combiner, scores);
        present(present, combiner.members());
        if (row < 0 || row >= scores.rows()) {
            throw new IllegalArgumentException("row " + row + " outside [0, " + scores.rows() + ")");
        }
        if (output < 0 || output >= combiner.outputs()) {
            throw new IllegalArgumentException("output " + output + " outside [0, " + combiner.outputs() + ")");
        }
    }

    /** Writes NaN to every output of rows {@code [0, out.rows())}. */
    static void fillNaN(ScoreMatrix out) {
        for (int k = 0; k < out.outputs(); k++) {
            int offset = out.offset(0, k);
            java.util.Arrays.fill(out.data(), offset, offset + out.rows(), Float.NaN);
        }
    }

    /** The explanation of a row no member could answer: NaN base and combined value, no contributions. */
    static Explanation unanswerable(
            ContributionSpace space, ScoreMatrix scores, boolean[] present, int row, int output) {
        List<MemberContribution> members = new ArrayList<>(present.length);
        for (int m = 0; m < present.length; m++) {
            double score = present[m] ? scores.get(m, output, row) : Double.NaN;
            members.add(new MemberContribution(m, present[m], score, 0, 0));
        }
        return new Explanation(space, output, Double.NaN, Double.NaN, members);
    }

    /**
     * The class member {@code member} of {@code matrix} predicts at {@code row}: its argmax, ties to the
     * lowest index; -1 when every entry is NaN.
     */
    static int argmax(ScoreMatrix matrix, int member, int row) {
        int best = -1;
        double bestValue = Double.NaN;
        for (int k = 0; k < matrix.outputs(); k++) {
            double v = matrix.get(member, k, row);
            if (!Double.isNaN(v) && (best < 0 || v > bestValue)) {
                best = k;
                bestValue = v;
            }
        }
        return best;
    }
}
