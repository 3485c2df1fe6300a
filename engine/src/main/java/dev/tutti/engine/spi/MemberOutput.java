package dev.tutti.engine.spi;

import dev.tutti.combine.ScoreMatrix;

/**
 * Where a member writes its scores for one batch: the member's block of the ensemble's
 * {@link ScoreMatrix}. Output {@code o} of row {@code r} lives at {@code array()[offset(o) + r]}.
 * Binary members write P(class 1) as output 0; multiclass members write K class probabilities;
 * regression members write the value.
 *
 * <p>Threads: used by the one thread that scores the member for this batch. Allocation: none; the
 * engine re-points one instance per member at each batch.
 */
public final class MemberOutput {
    private ScoreMatrix matrix;
    private int member;

    /** Points this view at {@code member}'s block of {@code matrix}. */
    public MemberOutput wrap(ScoreMatrix matrix, int member) {
        this.matrix = matrix;
        this.member = member;
        return this;
    }

    /** Rows the member must write. */
    public int rows() {
        return matrix.rows();
    }

    public int outputs() {
        return matrix.outputs();
    }

    public float[] array() {
        return matrix.data();
    }

    /** Index in {@link #array()} of row 0 of {@code output}. */
    public int offset(int output) {
        return matrix.offset(member, output);
    }

    public void put(int output, int row, float value) {
        matrix.data()[matrix.offset(member, output) + row] = value;
    }

    public float get(int output, int row) {
        return matrix.data()[matrix.offset(member, output) + row];
    }
}
