package dev.tutti.cpu.tree.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The trial's bookkeeping, on kernels that do nothing and times the test makes up. */
class KernelTrialTest {
    private static final int TILE = 64;
    private static final int TILES_PER_ROUND = 2 * KernelTrial.ROUND_ROWS / TILE;

    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong jit = new AtomicLong();
    private final ForestKernel traversal = new IdleKernel(TreeAlgorithm.TRAVERSAL);
    private final ForestKernel quickScorer = new IdleKernel(TreeAlgorithm.QUICKSCORER);

    private record IdleKernel(TreeAlgorithm algorithm) implements ForestKernel {
        @Override
        public int blockRows() {
            return TILE;
        }

        @Override
        public void accumulate(FloatBuffer input, int from, int rows, int width, double[] acc, int accStride) {}
    }

    /** Feeds one round: every tile of a kernel takes its given nanoseconds per row; true when decided. */
    private boolean round(KernelTrial trial, long traversalNanosPerRow, long quickScorerNanosPerRow) {
        boolean decided = false;
        for (int tile = 0; tile < TILES_PER_ROUND; tile++) {
            long perRow = trial.next() == traversal ? traversalNanosPerRow : quickScorerNanosPerRow;
            decided |= trial.record(TILE, perRow * TILE);
        }
        return decided;
    }

    @Test
    void aSingleKernelIsChosenAtOnce() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal);
        assertThat(trial.chosen()).isSameAs(traversal);
        assertThat(trial.report()).contains("only algorithm");
    }

    @Test
    void refusesToChooseAmongNoKernels() {
        assertThatThrownBy(() -> new KernelTrial(clock::get, jit::get)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kernelsTakeTurnsTileByTile() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal, quickScorer);
        assertThat(trial.next()).isSameAs(traversal);
        trial.record(TILE, 1000);
        assertThat(trial.next()).isSameAs(quickScorer);
        trial.record(TILE, 1000);
        assertThat(trial.next()).isSameAs(traversal);
    }

    @Test
    void choosesTheLowerMedianAfterTheWarmupAndTheCountedRounds() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal, quickScorer);
        clock.set(KernelTrial.WARMUP_NANOS + KernelTrial.QUIET_NANOS);
        for (int r = 0; r < KernelTrial.WARMUP_ROUNDS; r++) {
            // the warm-up rounds would favour traversal; they do not count
            assertThat(round(trial, 100, 5000)).isFalse();
        }
        for (int r = 0; r < KernelTrial.ROUNDS - 1; r++) {
            // two rounds where a neighbour slowed quickscorer down do not move the median
            assertThat(round(trial, 3000, r < 2 ? 9000 : 2000)).isFalse();
            assertThat(trial.chosen()).isNull();
        }
        assertThat(round(trial, 3000, 2000)).isTrue();
        assertThat(trial.chosen()).isSameAs(quickScorer);
        assertThat(trial.report()).startsWith("QUICKSCORER").contains("TRAVERSAL 3.00 us").contains("QUICKSCORER 2.00 us");
    }

    @Test
    void roundsDoNotCountBeforeTheWarmupTimeHasPassed() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal, quickScorer);
        for (int r = 0; r < KernelTrial.WARMUP_ROUNDS + KernelTrial.ROUNDS; r++) {
            assertThat(round(trial, 3000, 2000)).isFalse();
        }
        assertThat(trial.chosen()).isNull();
        assertThat(trial.report()).contains("round 0 of " + KernelTrial.ROUNDS);
        clock.set(KernelTrial.WARMUP_NANOS + KernelTrial.QUIET_NANOS);
        for (int r = 0; r < KernelTrial.ROUNDS; r++) {
            round(trial, 1000, 2000);
        }
        assertThat(trial.chosen()).isSameAs(traversal);
    }

    @Test
    void roundsDoNotCountWhileTheJitCompilersWork() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal, quickScorer);
        clock.set(KernelTrial.WARMUP_NANOS);
        for (int r = 0; r < KernelTrial.WARMUP_ROUNDS + KernelTrial.ROUNDS; r++) {
            // something was compiled during every round
            jit.incrementAndGet();
            clock.addAndGet(KernelTrial.QUIET_NANOS / 2);
            assertThat(round(trial, 3000, 2000)).isFalse();
        }
        assertThat(trial.report()).contains("round 0 of ");
        // the compilers go quiet: rounds count once they have been for QUIET_NANOS
        clock.addAndGet(KernelTrial.QUIET_NANOS);
        for (int r = 0; r < KernelTrial.ROUNDS; r++) {
            round(trial, 1000, 2000);
        }
        assertThat(trial.chosen()).isSameAs(traversal);
    }

    @Test
    void aCompilerThatNeverRestsDelaysTheTrialOnlyUpToTheLimit() {
        KernelTrial trial = new KernelTrial(clock::get, jit::get, traversal, quickScorer);
        clock.set(KernelTrial.MAX_WARMUP_NANOS);
        for (int r = 0; r < KernelTrial.WARMUP_ROUNDS + KernelTrial.ROUNDS; r++) {
            jit.incrementAndGet();
            round(trial, 2000, 1000);
        }
        assertThat(trial.chosen()).isSameAs(quickScorer);
    }
}
