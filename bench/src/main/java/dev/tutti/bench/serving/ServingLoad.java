package dev.tutti.bench.serving;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.ensemble.ConcurrentScorer;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.Scorer;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.testing.GoldenSet;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The in-process serving benchmark: predictions per second and latency of the {@link EnsembleService}
 * at batch caps 1, 16, 64 and 256 with the bundled telco ensemble, side by side in one run with
 * <ul>
 *   <li><b>direct</b>: every member's runtime called directly on batches of the same size over the
 *       same rows, one thread per core, no engine at all: the compute limit;
 *   <li><b>naive</b>: one call per member per request (the sequential scorer at batch 1), one thread
 *       per core, each with its own copy of the ensemble: what a server without batching does;
 *   <li><b>scorer</b>: the engine's member-concurrent execution alone (its {@link ConcurrentScorer}
 *       fed whole batches by one thread, no requests): what the execution model costs against
 *       {@code direct}, before the request path (ring, futures, client) adds its own.
 * </ul>
 * Closed loop: client threads keep a window of one-row requests in flight. Rounds rotate the order
 * of the configurations; each figure is the median of the rounds with its min-max. Every run checks
 * that the service's answers equal the sequential scorer's.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp bench/target/benchmarks.jar dev.tutti.bench.serving.ServingLoad [rounds] [seconds] [configuration regex]
 * </pre>
 * Diagnostics: {@code -Dtutti.bench.window=W} keeps W x cap requests outstanding instead;
 * {@code -Dtutti.bench.threads=true} prints the cores each kind of thread kept busy;
 * {@code -Dtutti.bench.wait=LITE_BLOCKING} (or another {@code WaitStrategyKind}) sets the batcher's wait strategy;
 * {@code -Dtutti.bench.workers=N} runs the service with N member workers (default: the
 * cores); {@code -Dtutti.bench.latencies=true} prints the service's stage latencies (queue wait,
 * batch formation, each member, combine) after each engine configuration;
 * {@code -Dtutti.bench.spin=US} sets the member workers' spin before parking (default
 * {@link ExecutionConfig#DEFAULT_WORKER_SPIN}); {@code -Dtutti.bench.spin0=true} adds
 * {@code engine-spin0/N}, the service with workers that park at once, beside {@code engine/N}.
 */
public final class ServingLoad {
    private static final int[] CAPS = {1, 16, 64, 256};
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final boolean THREAD_CPU = Boolean.getBoolean("tutti.bench.threads");

    private final GoldenSet golden = GoldenSet.load("telco");
    private final Path ensembleDir = GoldenSet.repoRoot().resolve("ensembles/telco-churn/1");
    private final int width = golden.schema().width();
    private final Duration measure;
    private final Duration warmup;
    private final Path hlogs;

    private ServingLoad(Duration measure, Path hlogs) {
        this.measure = measure;
        this.warmup = Duration.ofSeconds(Math.max(2, measure.toSeconds()));
        this.hlogs = hlogs;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 3);
        Path hlogs = Files.createDirectories(Path.of("bench", "target", "hlog"));
        String only = args.length > 2 ? args[2] : ".*";
        new ServingLoad(measure, hlogs).run(rounds, only, System.out);
    }

    /** One measured configuration's figures. */
    record Result(String name, double rowsPerSecond, double p50Micros, double p99Micros, double cpuSecondsPerMillion) {}

    private void run(int rounds, String only, PrintStream out) throws Exception {
        List<String> configurations = new ArrayList<>();
        for (int cap : CAPS) {
            configurations.add("direct/" + cap);
            configurations.add("scorer/" + cap);
            configurations.add("engine/" + cap);
            if (Boolean.getBoolean("tutti.bench.spin0")) {
                configurations.add("engine-spin0/" + cap);
            }
        }
        configurations.add("naive/1");
        configurations.removeIf(c -> !c.matches(only));
        List<List<Result>> byConfiguration = new ArrayList<>();
        configurations.forEach(c -> byConfiguration.add(new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < configurations.size(); k++) {
                int index = (k + round) % configurations.size(); // rotate the order from round to round
                String name = configurations.get(index);
                String[] parts = name.split("/");
                int cap = Integer.parseInt(parts[1]);
                Result result = switch (parts[0]) {
                    case "direct" -> direct(cap);
                    case "scorer" -> scorer(cap);
                    case "engine", "engine-spin0" -> engine(name, cap, round);
                    default -> naive();
                };
                byConfiguration.get(index).add(result);
                out.printf(Locale.ROOT, "round %d %-11s %10.0f rows/s  p50 %8.1f us  p99 %9.1f us  %6.1f cpu-s/M%n", round, name,
                        result.rowsPerSecond(), result.p50Micros(), result.p99Micros(), result.cpuSecondsPerMillion());
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%d rounds of %d s measured after %d s of warm-up, %d cores, %s, %s%n", rounds, measure.toSeconds(),
                warmup.toSeconds(), CORES,
                System.getProperty("java.vm.name"), Runtime.version());
        out.println("| configuration | rows/s median (min-max) | p50 us | p99 us | CPU-s per 1M predictions | x direct | x naive |");
        out.println("|---|---|---|---|---|---|---|");
        double naive = configurations.contains("naive/1")
                ? median(byConfiguration.get(configurations.indexOf("naive/1")), Result::rowsPerSecond) : Double.NaN;
        for (int i = 0; i < configurations.size(); i++) {
            List<Result> results = byConfiguration.get(i);
            String name = configurations.get(i);
            double rate = median(results, Result::rowsPerSecond);
            String cap = name.split("/")[1];
            double direct = configurations.contains("direct/" + cap)
                    ? median(byConfiguration.get(configurations.indexOf("direct/" + cap)), Result::rowsPerSecond) : Double.NaN;
            out.printf(Locale.ROOT, "| %s | %.0f (%.0f-%.0f) | %.0f | %.0f | %.1f | %.2f | %.1f |%n", name, rate,
                    results.stream().mapToDouble(Result::rowsPerSecond).min().orElse(0),
                    results.stream().mapToDouble(Result::rowsPerSecond).max().orElse(0),
                    median(results, Result::p50Micros), median(results, Result::p99Micros), median(results, Result::cpuSecondsPerMillion),
                    name.startsWith("naive") ? Double.NaN : rate / direct, rate / naive);
        }
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = results.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    /**
     * Each core's thread scores batches of {@code cap} rows with every member in turn, straight
     * through the runtimes, over the golden rows in turn (the rows the engine's clients send), not
     * the same batch again and again: re-scoring one batch lets caches and branch predictors learn
     * its rows (measured 5% faster on 2026-11-23).
     */
    private Result direct(int cap) throws Exception {
        List<Ensemble> copies = copiesPerCore();
        try {
            Tally tally = new Tally();
            Measurement m = measure(CORES, tally, t -> {
                Ensemble e = copies.get(t);
                ScoreMatrix scores = new ScoreMatrix(1, 1, cap);
                scores.rows(cap);
                MemberOutput output = new MemberOutput().wrap(scores, 0);
                FloatBuffer[] data = batchesOf(cap);
                int[] next = {t};
                return () -> {
                    long start = System.nanoTime();
                    FloatBuffer batch = data[next[0]++ % data.length];
                    for (Member member : e.members()) {
                        member.score(batch, cap, output);
                    }
                    tally.answered(cap, start);
                };
            });
            return result("direct/" + cap, tally, m);
        } finally {
            copies.forEach(Ensemble::close);
        }
    }

    /** The execution settings of {@code scorer} and {@code engine}: the defaults but for the diagnostics' properties. */
    private static ExecutionConfig execution(boolean noSpin) {
        ExecutionConfig config = ExecutionConfig.defaults().withWorkers(Integer.getInteger("tutti.bench.workers", CORES));
        if (noSpin) {
            return config.withWorkerSpin(Duration.ZERO);
        }
        Long spinMicros = Long.getLong("tutti.bench.spin");
        return spinMicros == null ? config : config.withWorkerSpin(Duration.ofNanos(spinMicros * 1_000));
    }

    /** The golden rows in consecutive batches of {@code cap} rows, each its own direct buffer. */
    private FloatBuffer[] batchesOf(int cap) {
        FloatBuffer[] data = new FloatBuffer[Math.max(1, golden.rows() / cap)];
        for (int b = 0; b < data.length; b++) {
            data[b] = golden.encodedRows(b * cap % (golden.rows() - cap + 1), cap);
        }
        return data;
    }

    /**
     * The engine's member-concurrent execution alone: one thread hands batches of {@code cap} rows
     * straight to a {@link ConcurrentScorer} (members on its worker pool, the per-batch join, the
     * combine), with no requests, ring or futures. Between {@code direct} and {@code engine}, it
     * splits the engine's cost into the execution model's and the request path's.
     */
    private Result scorer(int cap) throws Exception {
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(ensembleDir);
                ConcurrentScorer scorer = new ConcurrentScorer(ensemble, execution(false), cap)) {
            FloatBuffer[] data = batchesOf(cap);
            long budget = Duration.ofSeconds(5).toNanos();
            Predictions predictions = new Predictions(ensemble, cap);
            Predictions expected = new Predictions(ensemble, cap);
            ensemble.newScorer(cap).score(data[0], cap, expected);
            scorer.score(data[0], cap, System.nanoTime() + budget, predictions);
            for (int r = 0; r < cap; r++) {
                if (Math.abs(predictions.value(r) - expected.value(r)) > 1e-6) {
                    throw new IllegalStateException("parity: row " + r + " scored " + predictions.value(r) + ", sequential " + expected.value(r));
                }
            }
            Tally tally = new Tally();
            Measurement m = measure(1, tally, t -> {
                int[] next = {0};
                return () -> {
                    long start = System.nanoTime();
                    scorer.score(data[next[0]++ % data.length], cap, start + budget, predictions);
                    tally.answered(cap, start);
                };
            });
            return result("scorer/" + cap, tally, m);
        }
    }

    /** One copy of the ensemble per core: members are called by one thread at a time. */
    private List<Ensemble> copiesPerCore() throws Exception {
        List<Ensemble> copies = new ArrayList<>();
        for (int t = 0; t < CORES; t++) {
            copies.add(EnsembleLoader.withDiscoveredRuntimes().load(ensembleDir));
        }
        return copies;
    }

    /** One call per member per one-row request, through the sequential scorer, each core's thread with its own ensemble. */
    private Result naive() throws Exception {
        List<Ensemble> copies = copiesPerCore();
        try {
            Tally tally = new Tally();
            Measurement m = measure(CORES, tally, t -> {
                Scorer scorer = copies.get(t).newScorer(1);
                Predictions p = new Predictions(copies.get(t), 1);
                FloatBuffer row = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                int[] next = {t * 100};
                return () -> {
                    long start = System.nanoTime();
                    row.put(0, golden.encodedRow(next[0]++ % golden.rows()));
                    scorer.score(row, 1, p);
                    tally.answered(1, start);
                };
            });
            return result("naive/1", tally, m);
        } finally {
            copies.forEach(Ensemble::close);
        }
    }

    /**
     * The service with batch cap {@code cap}; clients keep 2 x cap one-row requests outstanding (one
     * batch being scored, the next one gathering in the ring).
     */
    private Result engine(String name, int cap, int round) throws Exception {
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(ensembleDir);
                EnsembleService service = EnsembleService.start(ensemble, ServiceConfig.defaults().withBatching(4096, cap, 1024)
                        .withWaitStrategy(dev.tutti.batching.WaitStrategyKind.valueOf(System.getProperty("tutti.bench.wait", "BLOCKING")))
                        .withExecution(execution(name.startsWith("engine-spin0")).withTierBudgets(List.of(Duration.ofSeconds(5)))))) {
            checkParity(service, ensemble);
            int clients = Math.max(1, CORES - 1);
            int outstanding = Math.max(2, Integer.getInteger("tutti.bench.window", 2) * cap);
            Semaphore window = new Semaphore(outstanding);
            Tally tally = new Tally();
            AtomicLong failures = new AtomicLong();
            float[][] requests = new float[golden.rows()][];
            for (int r = 0; r < requests.length; r++) {
                requests[r] = golden.encodedRow(r);
            }
            Measurement m = measure(clients, tally, t -> {
                int[] next = {t * 100};
                return () -> {
                    window.acquire();
                    long start = System.nanoTime();
                    CompletableFuture<ScoreResponse> f = service.submit(requests[next[0]++ % requests.length], 1, 0);
                    f.whenComplete((response, error) -> {
                        window.release();
                        if (error != null) {
                            failures.incrementAndGet();
                        } else {
                            tally.answered(1, start);
                        }
                    });
                };
            });
            window.acquire(outstanding); // let the last requests finish
            if (failures.get() > 0) {
                throw new IllegalStateException(name + ": " + failures.get() + " requests failed: " + service.metrics());
            }
            Result result = result(name, tally, m);
            var metrics = service.metrics();
            System.out.printf(Locale.ROOT, "%s: %d batches, %.1f rows per batch on average (warm-up included)%n", name,
                    metrics.batches(), metrics.batchedRows() / (double) Math.max(1, metrics.batches()));
            if (Boolean.getBoolean("tutti.bench.latencies")) {
                metrics.latencies().forEach(System.out::println);
            }
            try (PrintStream log = new PrintStream(Files.newOutputStream(hlogs.resolve(name.replace('/', '-') + "-round-" + round + ".hlog")))) {
                HistogramLogWriter writer = new HistogramLogWriter(log);
                writer.outputLogFormatVersion();
                writer.outputLegend();
                writer.outputIntervalHistogram(tally.histogram);
            }
            return result;
        }
    }

    /** The service must give the sequential scorer's answers (a fast wrong answer is a bug). */
    private void checkParity(EnsembleService service, Ensemble ensemble) throws Exception {
        int n = 64;
        Predictions expected = new Predictions(ensemble, n);
        ensemble.newScorer(n).score(golden.encodedRows(0, n), n, expected);
        for (int r = 0; r < n; r++) {
            float actual = service.submit(golden.encodedRow(r), 1, 0).get().values()[0];
            if (Math.abs(actual - expected.value(r)) > 1e-6) {
                throw new IllegalStateException("parity: row " + r + " served " + actual + ", sequential " + expected.value(r));
            }
        }
    }

    /**
     * Rows answered and their latencies, counted only inside the measured window. Each recording
     * thread (a load thread, or the thread that completes the service's futures) writes its own
     * plain histogram and row count, merged once the measurement is over: the harness's own cost per
     * request stays a few nanoseconds, not the tens of a concurrent recorder's atomics.
     */
    static final class Tally {
        private final java.util.Queue<Local> locals = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final ThreadLocal<Local> local = ThreadLocal.withInitial(() -> {
            Local l = new Local();
            locals.add(l);
            return l;
        });
        private volatile boolean measuring;
        private Histogram histogram;
        private long rows;

        /** One thread's counts. */
        private static final class Local {
            final Histogram latency = new Histogram(3);
            long rows;
        }

        void answered(int count, long startNanos) {
            if (measuring) {
                Local l = local.get();
                l.rows += count;
                l.latency.recordValue((System.nanoTime() - startNanos) / 1_000);
            }
        }

        void start() {
            measuring = true;
        }

        void stop() {
            measuring = false;
        }

        /** Merges every thread's counts; call once every recording thread is done. */
        void merge() {
            histogram = new Histogram(3);
            rows = 0;
            for (Local l : locals) {
                histogram.add(l.latency);
                rows += l.rows;
            }
        }
    }

    /** The work a measuring thread repeats. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface StepFactory {
        Step create(int thread) throws Exception;
    }

    record Measurement(long wallNanos, long cpuNanos) {}

    /** CPU nanoseconds of each live thread, keyed by its name with digits dropped (threads of one kind add up). */
    private static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long nanos = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                out.merge(info.getThreadName().replaceAll("[0-9]+", "#"), nanos, Long::sum);
            }
        }
        return out;
    }

    /** Prints how many cores each kind of thread kept busy during the measurement. */
    private static void printThreadCpu(Map<String, Long> before, Map<String, Long> after, long wallNanos) {
        StringBuilder line = new StringBuilder("  cores busy by thread:");
        after.forEach((name, nanos) -> {
            double cores = (nanos - before.getOrDefault(name, 0L)) / (double) wallNanos;
            if (cores >= 0.005) {
                line.append(String.format(Locale.ROOT, " %s %.2f;", name, cores));
            }
        });
        System.out.println(line);
    }

    /** Runs {@code threads} threads repeating their step: a warm-up as long as the measurement (at least 2 s), then the measurement. */
    private Measurement measure(int threads, Tally tally, StepFactory factory) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            steps.add(factory.create(t));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        long[] window = new long[2];
        long[] cpu = new long[2];
        List<Thread> workers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        AtomicLong phase = new AtomicLong();
        for (Step step : steps) {
            workers.add(Thread.ofPlatform().name("load-" + workers.size()).start(() -> {
                try {
                    while (phase.get() < 2) {
                        step.run();
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                    phase.set(2);
                }
            }));
        }
        Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
        tally.start();
        window[0] = System.nanoTime();
        cpu[0] = os.getProcessCpuTime();
        Map<String, Long> threadsBefore = THREAD_CPU ? threadCpu() : Map.of();
        phase.set(1);
        Thread.sleep(measure.toMillis());
        tally.stop();
        window[1] = System.nanoTime();
        cpu[1] = os.getProcessCpuTime();
        if (THREAD_CPU) {
            printThreadCpu(threadsBefore, threadCpu(), window[1] - window[0]);
        }
        phase.set(2);
        for (Thread t : workers) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a measuring thread failed", failure[0]);
        }
        return new Measurement(window[1] - window[0], cpu[1] - cpu[0]);
    }

    private static Result result(String name, Tally tally, Measurement m) {
        double seconds = m.wallNanos() / 1e9;
        tally.merge();
        long rows = tally.rows;
        return new Result(name, rows / seconds, tally.histogram.getValueAtPercentile(50), tally.histogram.getValueAtPercentile(99),
                m.cpuNanos() / 1e9 / (rows / 1e6));
    }
}
