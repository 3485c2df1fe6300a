package dev.tutti.bench.combine;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.CombinerKernels;
import dev.tutti.combine.ScoreMatrix;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every combiner kernel, scalar reference against its Vector API version, at 256 and 4096 rows of 10
 * members: one {@code combine} call per operation into a reused output matrix (so {@code -prof gc}
 * shows what the kernel itself allocates), on rotating batches ({@link KernelCase}). The SIMD version is taken from
 * {@link CombinerKernels#simdOnly()}, whatever the provider would choose, so that both are measured.
 *
 * <pre>
 * flock /tmp/tutti-bench.lock java -jar bench/target/benchmarks.jar 'bench.combine.CombineKernelBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class CombineKernelBenchmark {
    @Param({"weighted-average/binary", "weighted-average/multiclass", "weighted-average/regression", "voting/binary",
            "voting/multiclass", "rank-average/binary", "geometric-mean/binary", "geometric-mean/multiclass",
            "logit-average/binary", "logit-average/multiclass", "stacking/binary", "stacking/multiclass",
            "stacking/regression"})
    public String kernel;

    @Param({"256x10", "4096x10"})
    public String shape;

    @Param({"scalar", "simd"})
    public String implementation;

    /** {@code rotating} batches, or {@code -p inputs=repeated} to score one batch again and again (see {@link KernelCase}). */
    @Param({"rotating"})
    public String inputs;

    private Combiner combiner;
    private ScoreMatrix[] batches;
    private boolean[] present;
    private ScoreMatrix out;
    private int next;

    @Setup
    public void setUp() {
        KernelCase c = new KernelCase(kernel, shape, inputs);
        CombinerKernels kernels = implementation.equals("simd") ? CombinerKernels.simdOnly() : CombinerKernels.scalarOnly();
        combiner = kernels.select(c.reference);
        batches = c.batches;
        present = c.present;
        out = c.newOutput();
    }

    /** Combines the next batch (see {@link KernelCase}: small batches rotate). */
    @Benchmark
    public ScoreMatrix combine() {
        combiner.combine(batches[next++ & (batches.length - 1)], present, null, out);
        return out;
    }
}
