package dev.tutti.bench.gpu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.engine.spi.RuntimeStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The ensemble target: in-process throughput of the {@link EnsembleService} on an ensemble of
 * GPU MLP members plus CPU tree members, against the same ensemble all on the CPU, side by side in one
 * JVM, configurations alternating round by round:
 * <ul>
 *   <li><b>cpu</b>: every runtime ranked 100 or lower (the MLPs on ONNX Runtime's CPU runtime with
 *       Tutti's default of one intra-op thread per member);
 *   <li><b>cpu-mt</b>: the same, with each ONNX member given {@code (cores - 2 x treeThreads) / onnxMembers}
 *       intra-op threads: the cores an all-CPU host has left for the networks;
 *   <li><b>gpu</b>: every discovered runtime, so the dense ONNX networks load on {@code cuda-ffm}.
 * </ul>
 * In every configuration the tree members split large calls over {@code treeThreads} threads (member
 * option {@code threads}; {@code -Dtutti.bench.treeThreads}, default cores / 4). Closed loop: {@code cores - 1} client threads keep requests of {@code rowsPerRequest} rows
 * outstanding (a window of two batches); every figure counts answered rows, a failed request stops the
 * run, degraded answers are counted and printed. Before measuring, the GPU ensemble's answers are
 * checked against the all-CPU ensemble's on 512 rows (1e-4).
 *
 * <p>Input: the ensemble directory and {@code rows.f32} beside it (rows of the schema's width, float32
 * little-endian), both written by {@link GpuEnsembleFixture}.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... \
 *      dev.tutti.bench.gpu.GpuEnsembleLoad ENSEMBLE_DIR [rounds=3] [seconds=5] [caps=256,1024] [configurations=cpu,cpu-mt,gpu]
 * </pre>
 * Threads: the main thread drives; the service's own threads and the client threads do the work.
 * Exit code 3 when the gpu configuration is asked for but no member loads on a GPU runtime.
 */
public final class GpuEnsembleLoad {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int ROWS_PER_REQUEST = Integer.getInteger("tutti.bench.rowsPerRequest", 16);
    private static final int TREE_THREADS = Integer.getInteger("tutti.bench.treeThreads", Math.max(1, CORES / 4));

    private final Path ensembleDir;
    private final float[] rows;
    private final int width;
    private final int rowCount;
    private final Duration measure;

    private GpuEnsembleLoad(Path ensembleDir, Duration measure) throws IOException {
        this.ensembleDir = ensembleDir;
        this.measure = measure;
        Path file = ensembleDir.getParent().resolve("rows.f32");
        Map<String, Integer> info = new LinkedHashMap<>();
        for (String part : Files.readString(ensembleDir.getParent().resolve("rows.txt")).trim().split("\\s+")) {
            String[] kv = part.split("=");
            info.put(kv[0], Integer.parseInt(kv[1]));
        }
        this.rowCount = info.get("rows");
        this.width = info.get("width");
        FloatBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        this.rows = new float[rowCount * width];
        data.get(rows);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Duration measure = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 5);
        int[] caps = Arrays.stream((args.length > 3 ? args[3] : "256,1024").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> configurations = List.of((args.length > 4 ? args[4] : "cpu,cpu-mt,gpu").split(","));
        System.exit(new GpuEnsembleLoad(dir, measure).run(rounds, caps, configurations));
    }

    private record Result(double rowsPerSecond, double p50Micros, double p99Micros, long degraded) {}

    private int run(int rounds, int[] caps, List<String> configurations) throws Exception {
        int onnxThreads = (int) Math.max(1, (CORES - 2L * TREE_THREADS) / Math.max(1, onnxMembers(ensembleDir)));
        Path shared = withThreads(ensembleDir, TREE_THREADS, 1);
        Path multiThreaded = withThreads(ensembleDir, TREE_THREADS, onnxThreads);
        System.out.println("every configuration: tree members with threads=" + TREE_THREADS + "; cpu-mt: ONNX members with intraOpThreads="
                + onnxThreads);
        if (configurations.contains("gpu")) {
            int status = checkParity();
            if (status != 0) {
                return status;
            }
        }
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int cap : caps) {
                for (int k = 0; k < configurations.size(); k++) {
                    String configuration = configurations.get((k + round) % configurations.size());
                    String name = configuration + "/" + cap;
                    Result r = measure(name, configuration.equals("cpu-mt") ? multiThreaded : shared,
                            configuration.equals("gpu") ? allRuntimes() : cpuRuntimes(), cap);
                    results.computeIfAbsent(name, x -> new ArrayList<>()).add(r);
                    System.out.printf(Locale.ROOT, "round %d %-13s %10.0f rows/s  p50 %9.1f us  p99 %9.1f us  degraded answers %d%n", round,
                            name, r.rowsPerSecond(), r.p50Micros(), r.p99Micros(), r.degraded());
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%d rounds of %d s, %d cores, %d rows per request, %s%n", rounds, measure.toSeconds(), CORES,
                ROWS_PER_REQUEST, Runtime.version());
        System.out.println("| configuration | rows/s median (min-max) | p50 us | p99 us | x cpu | x cpu-mt |");
        System.out.println("|---|---|---|---|---|---|");
        for (var e : results.entrySet()) {
            String cap = e.getKey().split("/")[1];
            double rate = median(e.getValue(), Result::rowsPerSecond);
            System.out.printf(Locale.ROOT, "| %s | %.0f (%.0f-%.0f) | %.0f | %.0f | %.2f | %.2f |%n", e.getKey(), rate,
                    e.getValue().stream().mapToDouble(Result::rowsPerSecond).min().orElse(0),
                    e.getValue().stream().mapToDouble(Result::rowsPerSecond).max().orElse(0), median(e.getValue(), Result::p50Micros),
                    median(e.getValue(), Result::p99Micros), rate / median(results.get("cpu/" + cap), Result::rowsPerSecond),
                    rate / median(results.get("cpu-mt/" + cap), Result::rowsPerSecond));
        }
        return 0;
    }

    private static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        if (results == null || results.isEmpty()) {
            return Double.NaN;
        }
        double[] v = results.stream().mapToDouble(f).sorted().toArray();
        return v[v.length / 2];
    }

    private static MemberRuntimes allRuntimes() {
        return MemberRuntimes.discover();
    }

    /** How many of the ensemble's members run on a GPU runtime and never fell back to their CPU twin. */
    private static long onGpu(Ensemble ensemble) {
        return ensemble.members().stream()
                .filter(m -> m instanceof RuntimeStatus s && !s.onFallback() && s.fallbackBatches() == 0 && s.primaryFailures() == 0)
                .count();
    }

    private static ServiceConfig config(int cap) {
        return ServiceConfig.defaults().withBatching(Math.max(4096, 4 * cap), cap, Math.max(cap, ROWS_PER_REQUEST))
                .withExecution(ExecutionConfig.defaults().withWorkers(CORES).withTierBudgets(List.of(Duration.ofSeconds(30))));
    }

    /** The runtimes a host without a GPU has: every discovered provider ranked 100 or lower. */
    private static MemberRuntimes cpuRuntimes() {
        return new MemberRuntimes(MemberRuntimes.discover().providers().stream().filter(p -> p.rank() <= 100).toList());
    }

    /** The GPU ensemble must answer as the all-CPU one does; prints where each member runs. */
    private int checkParity() throws Exception {
        int n = 512;
        FloatBuffer in = ByteBuffer.allocateDirect(n * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        in.put(0, rows, 0, n * width);
        try (Ensemble gpu = new EnsembleLoader(allRuntimes()).load(ensembleDir);
                Ensemble cpu = new EnsembleLoader(cpuRuntimes()).load(ensembleDir)) {
            try (EnsembleService service = EnsembleService.start(gpu, config(64))) {
                service.submit(Arrays.copyOf(rows, width), 1, 0).get();
                ServiceMetrics metrics = service.metrics();
                for (int m = 0; m < metrics.members().size(); m++) {
                    var use = metrics.runtimes().get(m);
                    System.out.println("gpu configuration: member " + metrics.members().get(m) + ": "
                            + (use.switchable() ? use.activeRuntime() + (use.onFallback() ? " (on its CPU twin)" : "") : "a CPU runtime"));
                }
            }
            if (onGpu(gpu) == 0) {
                System.out.println("GPU-ENSEMBLE: no member runs on a GPU runtime (see the log above): nothing to compare");
                return 3;
            }
            Predictions expected = new Predictions(cpu, n);
            cpu.newScorer(n).score(in, n, expected);
            Predictions actual = new Predictions(gpu, n);
            gpu.newScorer(n).score(in, n, actual);
            double worst = 0;
            for (int r = 0; r < n; r++) {
                worst = Math.max(worst, Math.abs(actual.value(r) - expected.value(r)));
                for (int m = 0; m < gpu.members().size(); m++) {
                    worst = Math.max(worst, Math.abs(actual.memberOutput(m, 0, r) - expected.memberOutput(m, 0, r)));
                }
            }
            // a GPU member that fell back to its twin would make this the CPU against itself
            long gpuMembers = onGpu(gpu);
            boolean pass = worst <= 1e-4 && gpuMembers > 0;
            System.out.printf(Locale.ROOT, "GPU-ENSEMBLE parity (every member and the answer, %d rows, %d member(s) on the GPU throughout): "
                    + "max |gpu - cpu| = %.2e -> %s%n", n, gpuMembers, worst, pass ? "PASS" : "FAIL");
            return pass ? 0 : 1;
        }
    }

    /**
     * A copy of the ensemble with member options set: {@code threads=treeThreads} on the tree members
     * (when above 1) and, when {@code onnxThreads} is above 1, {@code intraOpThreads} on the ONNX ones.
     */
    private Path withThreads(Path dir, int treeThreads, int onnxThreads) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
        for (var m : manifest.withArray("members")) {
            String format = m.path("format").asText();
            if (format.equals("onnx") && onnxThreads > 1) {
                ((ObjectNode) m).withObject("options").put("intraOpThreads", String.valueOf(onnxThreads));
            } else if ((format.startsWith("xgboost") || format.startsWith("lightgbm")) && treeThreads > 1) {
                ((ObjectNode) m).withObject("options").put("threads", String.valueOf(treeThreads));
            }
        }
        Path copy = Files.createTempDirectory("tutti-gpu-load");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(dir.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("manifest.json")) {
                    Files.copy(f, target);
                }
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(copy.resolve("manifest.json").toFile(), manifest);
        return copy;
    }

    private static long onnxMembers(Path dir) throws IOException {
        long n = 0;
        for (var m : new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).path("members")) {
            n += m.path("format").asText().equals("onnx") ? 1 : 0;
        }
        return n;
    }

    private Result measure(String name, Path dir, MemberRuntimes runtimes, int cap) throws Exception {
        try (Ensemble ensemble = new EnsembleLoader(runtimes).load(dir);
                EnsembleService service = EnsembleService.start(ensemble, config(cap))) {
            int clients = Math.max(1, CORES - 1);
            int outstanding = Math.max(2, 2 * cap / ROWS_PER_REQUEST);
            Semaphore window = new Semaphore(outstanding);
            AtomicLong failures = new AtomicLong();
            LongAdder answered = new LongAdder();
            LongAdder degraded = new LongAdder();
            org.HdrHistogram.ConcurrentHistogram latency = new org.HdrHistogram.ConcurrentHistogram(3);
            var running = new java.util.concurrent.atomic.AtomicBoolean(true);
            var counting = new java.util.concurrent.atomic.AtomicBoolean(false);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int first = t * 97;
                threads.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                    int next = first;
                    float[] request = new float[ROWS_PER_REQUEST * width];
                    try {
                        while (running.get()) {
                            window.acquire();
                            int start = next++ % (rowCount - ROWS_PER_REQUEST);
                            System.arraycopy(rows, start * width, request, 0, request.length);
                            long sent = System.nanoTime();
                            CompletableFuture<ScoreResponse> f = service.submit(request, ROWS_PER_REQUEST, 0);
                            f.whenComplete((response, error) -> {
                                window.release();
                                if (error != null) {
                                    failures.incrementAndGet();
                                } else if (counting.get()) {
                                    answered.add(ROWS_PER_REQUEST);
                                    latency.recordValue((System.nanoTime() - sent) / 1000);
                                    if (response.degraded()) {
                                        degraded.increment();
                                    }
                                }
                            });
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            Thread.sleep(Math.max(2000, measure.toMillis() / 2)); // warm-up
            counting.set(true);
            long measuring = System.nanoTime();
            Thread.sleep(measure.toMillis());
            counting.set(false);
            long elapsed = System.nanoTime() - measuring;
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            window.acquire(outstanding);
            if (failures.get() > 0) {
                ServiceMetrics metrics = service.metrics();
                throw new IllegalStateException(name + ": " + failures.get() + " requests failed: " + metrics);
            }
            ServiceMetrics metrics = service.metrics();
            for (int m = 0; m < metrics.members().size(); m++) {
                var use = metrics.runtimes().get(m);
                if (use.switchable() && (use.fallbackBatches() > 0 || use.primaryFailures() > 0)) {
                    throw new IllegalStateException(name + ": member " + metrics.members().get(m) + " fell back to its CPU twin for "
                            + use.fallbackBatches() + " batch(es) (" + use.primaryFailures() + " GPU failure(s)): the figure would not be the GPU's");
                }
            }
            System.out.printf(Locale.ROOT, "%s: %.1f rows per batch on average; member p50 latencies: %s%n", name,
                    metrics.batchedRows() / (double) Math.max(1, metrics.batches()), memberLatencies(metrics));
            return new Result(answered.sum() * 1e9 / elapsed, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                    degraded.sum());
        }
    }

    private static String memberLatencies(ServiceMetrics metrics) {
        StringBuilder b = new StringBuilder();
        for (var l : metrics.latencies()) {
            b.append(String.format(Locale.ROOT, "%s %.0f us; ", l.stage(), l.p50()));
        }
        return b.toString();
    }
}
