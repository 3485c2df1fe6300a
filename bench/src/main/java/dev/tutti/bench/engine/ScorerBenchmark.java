package dev.tutti.bench.engine;

import dev.tutti.combine.CombinerKernels;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.Scorer;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.engine.testing.SyntheticRuntime;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process scoring path, {@link Scorer#score} on a 256-row batch of golden rows: validation,
 * every member, the combiner and the confidence kernels, into a reused {@link Predictions}.
 *
 * <ul>
 *   <li>{@code setup=fixture}: the bundled ensemble's real members (ONNX Runtime, DJL PyTorch, Java
 *       trees, linear), with the kernels {@link CombinerKernels} chooses;
 *   <li>{@code setup=synthetic}: allocation-free stand-ins ({@link SyntheticRuntime}) with the same
 *       manifest and combiner, so that {@code -prof gc} shows what the engine itself allocates;
 *   <li>{@code setup=synthetic-scalar}: the same with {@code -Dtutti.kernels=scalar}, set before the
 *       ensemble loads (each parameter combination runs in its own JVM): the engine's own work on the
 *       scalar reference kernels.
 * </ul>
 *
 * The whole path needs a long warm-up: after 3,000 batches it still allocated 4.3 KB per batch,
 * after 20,000 the runtimes' 3.4 KB (docs/benchmarks.md).
 *
 * <pre>
 * flock /tmp/tutti-bench.lock java -jar bench/target/benchmarks.jar 'bench.engine.ScorerBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class ScorerBenchmark {
    static final int ROWS = 256;

    @Param({"telco-churn", "spam"})
    public String ensemble;

    @Param({"fixture", "synthetic", "synthetic-scalar"})
    public String setup;

    private Ensemble loaded;
    private Scorer scorer;
    private Predictions out;
    private FloatBuffer rows;

    @Setup
    public void setUp() throws Exception {
        System.setProperty(CombinerKernels.PROPERTY, setup.endsWith("scalar") ? "scalar" : "auto");
        Path directory = GoldenSet.repoRoot().resolve("ensembles").resolve(ensemble).resolve("1");
        EnsembleLoader loader = setup.equals("fixture") ? EnsembleLoader.withDiscoveredRuntimes()
                : new EnsembleLoader(new MemberRuntimes(List.of(new SyntheticRuntime())));
        loaded = loader.load(directory);
        scorer = loaded.newScorer(ROWS);
        out = new Predictions(loaded, ROWS);
        rows = GoldenSet.load(ensemble.equals("spam") ? "spam" : "telco").encodedRows(0, ROWS);
    }

    @Benchmark
    public Predictions score() {
        scorer.score(rows, ROWS, out);
        return out;
    }

    @TearDown
    public void tearDown() {
        loaded.close();
    }
}
