package dev.tutti.bench.trees;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.cpu.tree.JavaTreeRuntimeProvider;
import dev.tutti.cpu.tree.TreeMember;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Tutti's tree member ({@code java-trees}) with option {@code algorithm}: {@code auto} (the batch
 * evaluator, algorithm timed on the first rows), {@code traversal}, {@code quickscorer} or
 * {@code reference} (the row-at-a-time reference evaluator). Rows are read from a direct
 * native-order buffer, as the engine passes them; outputs land in a score matrix.
 */
final class MemberContender implements Contender {
    private final String name;
    private final Member member;
    private final FloatBuffer rows;
    private final FloatBuffer[] blocks;
    private final int maxBatch;
    private final int width;
    private final ScoreMatrix matrix;
    private final MemberOutput out;

    MemberContender(BenchModel model, String algorithm, int maxBatch) {
        this.name = algorithm.equals("reference") ? "reference" : "tutti-" + algorithm;
        try {
            this.member = new JavaTreeRuntimeProvider().load(model.withAlgorithm(algorithm));
        } catch (MemberException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.width = model.width();
        this.rows = ByteBuffer.allocateDirect(model.rows().length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        rows.put(model.rows()).flip();
        // views made once, so that the harness allocates nothing per call (JMH -prof gc shows the member's own)
        this.maxBatch = maxBatch;
        this.blocks = new FloatBuffer[BenchModel.ROWS / maxBatch];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = rows.slice(b * maxBatch * width, maxBatch * width);
        }
        this.matrix = new ScoreMatrix(1, model.spec().outputs(), maxBatch);
        this.out = new MemberOutput().wrap(matrix, 0);
    }

    @Override
    public String name() {
        return name;
    }

    /** The member's evaluation (algorithm and how it was chosen). */
    String evaluation() {
        return ((TreeMember) member).evaluation();
    }

    /** Whether the member's {@code auto} trial (if any) has chosen its algorithm. */
    boolean settled() {
        return ((TreeMember) member).evaluationSettled();
    }

    @Override
    public double score(int from, int count) {
        matrix.rows(count);
        try {
            FloatBuffer input = count == maxBatch && from % maxBatch == 0
                    ? blocks[from / maxBatch]
                    : rows.slice(from * width, count * width);
            member.score(input, count, out);
        } catch (MemberException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return matrix.get(0, 0, count - 1);
    }

    @Override
    public double output(int row, int output) {
        return matrix.get(0, output, row);
    }

    @Override
    public void close() {
        member.close();
    }
}
