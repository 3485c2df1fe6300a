package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.CombinerPropertiesTest.Kind;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API kernels allocate nothing per batch once compiled. Before C2 compiles them, the
 * interpreter and C1 box every vector, so each kernel runs rounds of calls until one round allocates
 * (almost) nothing; the test fails if none does within the rounds allowed. Vector code that C2 cannot
 * keep in registers (a vector passed through a call that is not inlined) allocates in every round.
 */
class VectorKernelAllocationTest {
    private static final int CALLS = 2_000;
    private static final int ROUNDS = 20;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNotAllocateWhileCombiningOnceCompiled(Kind kind) {
        for (Task task : kind.tasks) {
            VectorKernelParityTest.Case c = VectorKernelParityTest.randomCase(kind, task, 256, 10, 7);
            Combiner simd = VectorKernels.combiner(c.reference());
            boolean[] present = Matrices.all(10);
            present[3] = false;
            ScoreMatrix scores = c.matrix(present);
            ScoreMatrix out = new ScoreMatrix(1, c.outputs(), 256);

            assertThat(leastBytesPerRound(() -> simd.combine(scores, present, null, out)))
                    .as("%s %s bytes in the quietest round of %d calls", kind, task, CALLS).isLessThan(CALLS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Task.class)
    void shouldNotAllocateWhileComputingConfidenceOnceCompiled(Task task) {
        VectorKernelParityTest.Case c = VectorKernelParityTest.randomCase(Kind.WEIGHTED_AVERAGE, task, 256, 10, 11);
        Combiner combiner = c.reference();
        boolean[] present = Matrices.all(10);
        ScoreMatrix scores = c.matrix(present);
        ScoreMatrix combined = Matrices.combine(combiner, scores, present);
        int[] classes = new int[256];
        float[] out = new float[256];
        ConfidenceKernels kernels = VectorConfidence.INSTANCE;

        assertThat(leastBytesPerRound(() -> {
            kernels.predictedClass(task, combined, classes);
            kernels.agreement(combiner, scores, present, combined, 1, out);
            kernels.margin(task, combined, out);
            kernels.entropy(task, combined, out);
        })).as("%s bytes in the quietest round of %d calls", task, CALLS).isLessThan(CALLS);
    }

    /**
     * The fewest bytes this thread allocated in one round of {@link #CALLS} calls, over up to
     * {@link #ROUNDS} rounds, more for up to 30 s while none is below one byte per call (stopping at the first that is). One allocation per
     * call would be at least 16 bytes x calls; a few hundred stray bytes (the JVM's bookkeeping while
     * it compiles) are not the kernel's.
     */
    private static long leastBytesPerRound(Runnable call) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        // at least ROUNDS rounds, and up to 30 s while the JIT has not compiled the vector code yet (on a
        // busy 2-core machine C2 can take longer than 20 rounds; a real allocation still fails, later)
        long giveUp = System.nanoTime() + 30_000_000_000L;
        for (int round = 0; least >= CALLS && (round < ROUNDS || System.nanoTime() < giveUp); round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
