package dev.tutti.engine.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.CombinerKernels;
import dev.tutti.combine.Kernel;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.engine.testing.SyntheticRuntime;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The in-process scoring path allocates nothing per batch once compiled: validation, member calls
 * (here allocation-free synthetic members, so that only the engine is measured), the combiner kernel
 * and the confidence kernels, over 256-row batches of the golden rows. The real runtimes' own
 * allocations are measured by the benchmarks in {@code bench/} (docs/benchmarks.md).
 */
class ScorerAllocationTest {
    private static final int ROWS = 256;
    private static final int CALLS = 1_000;
    private static final int ROUNDS = 20;

    @ParameterizedTest
    @CsvSource({"telco-churn, telco", "spam, spam"})
    void shouldScoreA256RowBatchWithoutAllocatingOnceCompiled(String ensembleName, String dataset) throws Exception {
        Path directory = GoldenSet.repoRoot().resolve("ensembles").resolve(ensembleName).resolve("1");
        try (Ensemble ensemble = new EnsembleLoader(new MemberRuntimes(List.of(new SyntheticRuntime()))).load(directory)) {
            Scorer scorer = ensemble.newScorer(ROWS);
            Predictions out = new Predictions(ensemble, ROWS);
            FloatBuffer rows = GoldenSet.load(dataset).encodedRows(0, ROWS);

            long least = leastBytesPerRound(() -> scorer.score(rows, ROWS, out));

            assertThat(out.rows()).isEqualTo(ROWS);
            assertThat(out.degraded()).isFalse();
            assertThat(least).as("%s: bytes in the quietest round of %d batches", ensembleName, CALLS).isLessThan(CALLS);
        }
    }

    @ParameterizedTest
    @CsvSource({"telco-churn", "spam"})
    void shouldRunTheCombinerOnTheKernelTheProviderChose(String ensembleName) throws Exception {
        Path directory = GoldenSet.repoRoot().resolve("ensembles").resolve(ensembleName).resolve("1");
        try (Ensemble ensemble = new EnsembleLoader(new MemberRuntimes(List.of(new SyntheticRuntime()))).load(directory)) {
            boolean simd = CombinerKernels.get().simd(Kernel.of(ensemble.manifest().combiner()));

            assertThat(ensemble.combiner().name()).isEqualTo(ensemble.manifest().combiner().name());
            assertThat(ensemble.combiner() != ensemble.manifest().combiner()).isEqualTo(simd);
            assertThat(ensemble.toString()).contains(simd ? "(SIMD kernel)" : "(scalar kernel)");
        }
    }

    /**
     * The fewest bytes this thread allocated in one round of {@link #CALLS} batches, over up to
     * {@link #ROUNDS} rounds, more for up to 30 s while C2 has not compiled the vector kernels (the interpreter boxes vectors).
     */
    private static long leastBytesPerRound(Runnable batch) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        // at least ROUNDS rounds, and up to 30 s while the JIT has not compiled the vector code yet (on a
        // busy 2-core machine C2 can take longer than 20 rounds; a real allocation still fails, later)
        long giveUp = System.nanoTime() + 30_000_000_000L;
        for (int round = 0; least >= CALLS && (round < ROUNDS || System.nanoTime() < giveUp); round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                batch.run();
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }
}
