package dev.tutti.bench.trees;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * One contender scoring batches of one model's rows, single-threaded (JMH's view of what
 * {@link TreeSideBySide} measures side by side; use it for {@code -prof gc}). The {@code rows}
 * counter is rows per second. A contender that does not apply to the model (XGBoost4J on a
 * LightGBM model, QuickScorer on trees of more than 64 leaves) fails its setup.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -jar bench/target/benchmarks.jar TreeEvaluatorBenchmark -p model=xgb-300-d6 \
 *     -p contender=tutti-auto,reference,xgboost4j -p batch=256 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class TreeEvaluatorBenchmark {
    @Param({"xgb-300-d6"})
    public String model;

    @Param({"tutti-auto", "reference", "xgboost4j", "xgboost4j-inplace"})
    public String contender;

    @Param({"256"})
    public int batch;

    private Contender scorer;
    private int from;

    /** Rows scored, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rows {
        public long rows;
    }

    @Setup(Level.Trial)
    public void setUp() {
        BenchModel bench = BenchModel.named(model);
        if (!Contenders.applies(contender, bench)) {
            throw new IllegalStateException(contender + " does not apply to " + model);
        }
        scorer = Contenders.create(contender, bench, batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scorer.close();
    }

    @Benchmark
    public double score(Rows counter) {
        double result = scorer.score(from, batch);
        counter.rows += batch;
        from += batch;
        if (from + batch > BenchModel.ROWS) {
            from = 0;
        }
        return result;
    }
}
