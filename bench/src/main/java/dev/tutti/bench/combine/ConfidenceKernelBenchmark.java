package dev.tutti.bench.combine;

import dev.tutti.combine.CombinerKernels;
import dev.tutti.combine.ConfidenceKernels;
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
 * Every confidence kernel, scalar reference against its Vector API version, at 256 and 4096 rows of
 * 10 members, over the result of a weighted average of random member scores, on rotating batches
 * ({@link KernelCase}).
 * Each benchmark method runs one kernel per operation into a reused output array. (For regression only
 * agreement computes anything: predicted class, margin and entropy are constant fills.)
 *
 * <pre>
 * flock /tmp/tutti-bench.lock java -jar bench/target/benchmarks.jar 'bench.combine.ConfidenceKernelBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class ConfidenceKernelBenchmark {
    @Param({"binary", "multiclass", "regression"})
    public String task;

    @Param({"256x10", "4096x10"})
    public String shape;

    @Param({"scalar", "simd"})
    public String implementation;

    private KernelCase c;
    private ScoreMatrix[] combined;
    private ConfidenceKernels kernels;
    private int[] classes;
    private float[] out;
    private int next;

    @Setup
    public void setUp() {
        c = new KernelCase("combined/" + task, shape);
        combined = new ScoreMatrix[c.batches.length];
        for (int b = 0; b < combined.length; b++) {
            combined[b] = c.newOutput();
            c.reference.combine(c.batches[b], c.present, null, combined[b]);
        }
        kernels = (implementation.equals("simd") ? CombinerKernels.simdOnly() : CombinerKernels.scalarOnly()).confidence();
        classes = new int[c.rows];
        out = new float[c.rows];
    }

    @Benchmark
    public int[] predictedClass() {
        kernels.predictedClass(c.task, combined[next++ & (combined.length - 1)], classes);
        return classes;
    }

    @Benchmark
    public float[] agreement() {
        int b = next++ & (combined.length - 1);
        kernels.agreement(c.reference, c.batches[b], c.present, combined[b], 10, out);
        return out;
    }

    @Benchmark
    public float[] margin() {
        kernels.margin(c.task, combined[next++ & (combined.length - 1)], out);
        return out;
    }

    @Benchmark
    public float[] entropy() {
        kernels.entropy(c.task, combined[next++ & (combined.length - 1)], out);
        return out;
    }
}
