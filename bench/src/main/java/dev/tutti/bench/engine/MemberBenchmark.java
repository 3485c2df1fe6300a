package dev.tutti.bench.engine;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.FloatBuffer;
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
 * One member of the telco fixtures scoring a 256-row batch through its runtime, as the engine calls
 * it ({@link Member#score}): with {@code -prof gc}, what each runtime allocates per batch. Compare
 * with {@link RuntimeFloorBenchmark}, the fewest library calls that score the same batch, to tell the
 * library's allocation from Tutti's.
 *
 * <pre>
 * flock /tmp/tutti-bench.lock java -jar bench/target/benchmarks.jar 'bench.engine.(Member|RuntimeFloor)Benchmark' -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class MemberBenchmark {
    @Param({"mlp-onnx", "mlp-torchscript", "xgboost", "lightgbm", "logistic"})
    public String member;

    private Member loaded;
    private FloatBuffer rows;
    private ScoreMatrix scores;
    private MemberOutput out;

    @Setup
    public void setUp() throws MemberException {
        GoldenSet golden = GoldenSet.load("telco");
        ModelSpec spec = golden.member(member);
        loaded = MemberRuntimes.discover().load(spec);
        rows = golden.encodedRows(0, ScorerBenchmark.ROWS);
        scores = new ScoreMatrix(1, spec.outputs(), ScorerBenchmark.ROWS);
        scores.rows(ScorerBenchmark.ROWS);
        out = new MemberOutput().wrap(scores, 0);
    }

    @Benchmark
    public ScoreMatrix score() throws MemberException {
        loaded.score(rows, ScorerBenchmark.ROWS, out);
        return scores;
    }

    @TearDown
    public void tearDown() {
        loaded.close();
    }
}
