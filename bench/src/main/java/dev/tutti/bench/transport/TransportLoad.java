package dev.tutti.bench.transport;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.serving.EnsembleService;
import dev.tutti.engine.serving.ServiceConfig;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.transport.TransportServer;
import dev.tutti.transport.client.ClientConfig;
import dev.tutti.transport.client.HttpLoadClient;
import dev.tutti.transport.client.ScoreOptions;
import dev.tutti.transport.client.ScoreResult;
import dev.tutti.transport.client.TuttiClient;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.ServiceEnsemble;
import dev.tutti.transport.serving.TransportConfig;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * The served-path load run: the bundled telco ensemble behind the binary and HTTP servers, driven
 * over loopback by the project's own clients ({@link TuttiClient}, {@link HttpLoadClient}) in the
 * same JVM, <b>open loop</b>: requests leave at a fixed rate and each latency is measured from the
 * request's <em>intended</em> send time, so a server that falls behind is charged for the wait
 * (coordinated omission counted). Latencies go into HdrHistograms ({@code bench/target/hlog}).
 *
 * <p>Configurations: {@code binary/1}, {@code binary/64}, {@code http/1}, {@code http/64}
 * (protocol / rows per request), each at a few request rates. Rounds rotate the order of the
 * configurations; the table gives, per configuration and rate, the median of the rounds with the
 * min-max. Each run first checks that the binary answers equal the in-process scorer's.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package
 * flock /tmp/tutti-bench.lock java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *      -cp bench/target/benchmarks.jar dev.tutti.bench.transport.TransportLoad [rounds] [seconds] [configuration regex]
 * </pre>
 */
public final class TransportLoad {
    /** Request rates tried per configuration (requests per second). */
    private static final Map<String, int[]> RATES = new LinkedHashMap<>();

    static {
        RATES.put("binary/64", new int[] {1_000, 1_600, 2_000});
        RATES.put("binary/1", new int[] {10_000, 20_000, 30_000});
        RATES.put("http/64", new int[] {400, 800, 1_200});
        RATES.put("http/1", new int[] {10_000, 20_000, 25_000});
    }

    private final GoldenSet golden = GoldenSet.load("telco");
    private final int width = golden.schema().width();
    private final Duration measure;
    private final Duration warmup;
    private final Path hlogs;

    private TransportLoad(Duration measure, Path hlogs) {
        this.measure = measure;
        this.warmup = Duration.ofSeconds(Math.max(2, measure.toSeconds() / 2));
        this.hlogs = hlogs;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 4);
        String only = args.length > 2 ? args[2] : ".*";
        Path hlogs = Files.createDirectories(Path.of("bench", "target", "hlog"));
        new TransportLoad(measure, hlogs).run(rounds, only, System.out);
    }

    /** One measured point. */
    record Result(String configuration, int rate, double requestsPerSecond, double predictionsPerSecond, double p50Micros,
            double p95Micros, double p99Micros, double maxMicros, long errors, double cpuSecondsPerMillion) {}

    private void run(int rounds, String only, PrintStream out) throws Exception {
        List<String> configurations = RATES.keySet().stream().filter(c -> c.matches(only)).toList();
        Map<String, List<Result>> results = new LinkedHashMap<>();
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(GoldenSet.repoRoot().resolve("ensembles/telco-churn/1"))) {
            ServiceConfig serviceConfig = ServiceConfig.defaults();
            try (EnsembleService service = EnsembleService.start(ensemble, serviceConfig)) {
                EnsembleRegistry registry = new EnsembleRegistry().register(new ServiceEnsemble(service, serviceConfig));
                try (TransportServer server = TransportServer.start(registry, new TransportConfig().binaryPort(0).httpPort(0)
                        .ioThreads(Integer.getInteger("tutti.bench.ioThreads", 1)));
                        TuttiClient client = TuttiClient.connect(new ClientConfig().port(server.binaryAddress().getPort())
                                .timeout(Duration.ofSeconds(30)));
                        HttpLoadClient http = new HttpLoadClient("127.0.0.1", server.httpAddress().getPort(), 64)) {
                    checkParity(client, ensemble);
                    for (String c : configurations) { // JIT warm-up of every path before anything is measured
                        point(c, RATES.get(c)[0], -1, client, http);
                    }
                    for (int round = 0; round < rounds; round++) {
                        for (int k = 0; k < configurations.size(); k++) {
                            String c = configurations.get((k + round) % configurations.size());
                            for (int rate : RATES.get(c)) {
                                Result r = point(c, rate, round, client, http);
                                results.computeIfAbsent(c + "@" + rate, x -> new ArrayList<>()).add(r);
                                out.printf(Locale.ROOT, "round %d %-9s %6d req/s: %9.0f req/s %9.0f pred/s  p50 %8.0f  p95 %8.0f  p99 %8.0f"
                                        + "  max %8.0f us  errors %d  %.1f cpu-s/M%n", round, c, rate, r.requestsPerSecond(),
                                        r.predictionsPerSecond(), r.p50Micros(), r.p95Micros(), r.p99Micros(), r.maxMicros(), r.errors(),
                                        r.cpuSecondsPerMillion());
                            }
                        }
                    }
                }
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%d rounds, open loop, %d s measured after %d s warm-up per point, %d cores, %s %s%n", rounds,
                measure.toSeconds(), warmup.toSeconds(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                Runtime.version());
        out.println("| configuration | offered req/s | achieved req/s | predictions/s | p50 us | p95 us | p99 us | errors | CPU-s per 1M predictions |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (var e : results.entrySet()) {
            List<Result> rs = e.getValue();
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %d | %.1f |%n", rs.getFirst().configuration(), rs.getFirst().rate(),
                    spread(rs, Result::requestsPerSecond), spread(rs, Result::predictionsPerSecond), spread(rs, Result::p50Micros),
                    spread(rs, Result::p95Micros), spread(rs, Result::p99Micros), rs.stream().mapToLong(Result::errors).sum(),
                    median(rs, Result::cpuSecondsPerMillion));
        }
    }

    private static String spread(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median(rs, f), rs.stream().mapToDouble(f).min().orElse(0),
                rs.stream().mapToDouble(f).max().orElse(0));
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    /** The binary answers must equal the in-process scorer's (a fast wrong answer is a bug). */
    private void checkParity(TuttiClient client, Ensemble ensemble) {
        int n = 64;
        Predictions expected = new Predictions(ensemble, n);
        ensemble.newScorer(n).score(golden.encodedRows(0, n), n, expected);
        ScoreResult served = client.score(EnsembleRef.latest("telco-churn"), rows(0, n), n, width);
        for (int r = 0; r < n; r++) {
            if (Math.abs(served.value(r) - expected.value(r)) > 1e-6) {
                throw new IllegalStateException("parity: row " + r + " served " + served.value(r) + ", in process " + expected.value(r));
            }
        }
    }

    private float[] rows(int from, int n) {
        float[] out = new float[n * width];
        for (int r = 0; r < n; r++) {
            System.arraycopy(golden.encodedRow((from + r) % golden.rows()), 0, out, r * width, width);
        }
        return out;
    }

    /** An inference request body: one BYTES tensor [n, F] of the golden rows' text cells. */
    private String httpBody(int from, int n) {
        StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"rows\",\"shape\":[").append(n).append(',').append(width)
                .append("],\"datatype\":\"BYTES\",\"data\":[");
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < width; f++) {
                b.append(r + f == 0 ? "" : ",").append('"').append(golden.cell((from + r) % golden.rows(), golden.schema().feature(f).name()))
                        .append('"');
            }
        }
        return b.append("]}],\"parameters\":{\"tier\":1}}").toString();
    }

    /** Sends one request whose latency is charged from {@code intendedNanos}. */
    @FunctionalInterface
    interface Sender {
        CompletableFuture<?> send(int index);
    }

    private Result point(String configuration, int rate, int round, TuttiClient client, HttpLoadClient http) throws Exception {
        String[] parts = configuration.split("/");
        int n = Integer.parseInt(parts[1]);
        int variants = 32;
        Sender sender;
        List<ByteBuf> bodies = new ArrayList<>();
        if (parts[0].equals("binary")) {
            List<float[]> requests = new ArrayList<>();
            for (int v = 0; v < variants; v++) {
                requests.add(rows(v * n, n));
            }
            EnsembleRef telco = EnsembleRef.latest("telco-churn");
            ScoreOptions tier = ScoreOptions.tier(1);
            sender = i -> client.scoreAsync(telco, requests.get(i % variants), n, width, tier);
        } else {
            for (int v = 0; v < variants; v++) {
                bodies.add(HttpLoadClient.body(httpBody(v * n, n)));
            }
            sender = i -> http.post("/v2/models/telco-churn/infer", bodies.get(i % variants)).thenAccept(a -> {
                if (a.status() != 200) {
                    throw new IllegalStateException("HTTP " + a.status() + ": " + a.body());
                }
            });
        }
        try {
            return drive(configuration, rate, n, round, sender);
        } finally {
            bodies.forEach(ByteBuf::release);
        }
    }

    /** Open loop at {@code rate} requests/s: warm-up, then the measured window; waits for the stragglers. */
    private Result drive(String configuration, int rate, int rowsPerRequest, int round, Sender sender) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Recorder latency = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastCompletion = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        long cpuStart = 0;
        List<CompletableFuture<?>> inWindow = new ArrayList<>();
        boolean measuring = false;
        for (int i = 0; ; i++) {
            long intended = start + i * interval;
            if (intended >= windowEnd) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            boolean counted = intended >= windowStart;
            if (counted && !measuring) {
                measuring = true;
                cpuStart = os.getProcessCpuTime();
            }
            CompletableFuture<?> f = sender.send(i);
            f.whenComplete((ok, error) -> {
                long done = System.nanoTime();
                if (!counted) {
                    return;
                }
                if (error != null) {
                    errors.incrementAndGet();
                } else {
                    latency.recordValue(Math.max(0, (done - intended) / 1_000));
                    completed.incrementAndGet();
                    lastCompletion.accumulateAndGet(done, Math::max);
                }
            });
            if (counted) {
                inWindow.add(f);
            }
        }
        for (CompletableFuture<?> f : inWindow) {
            try {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // counted above
            }
        }
        long cpu = os.getProcessCpuTime() - cpuStart;
        double seconds = Math.max(lastCompletion.get(), windowEnd) - windowStart;
        seconds /= 1e9;
        Histogram h = latency.getIntervalHistogram();
        if (round < 0) {
            return null;
        }
        try (PrintStream log = new PrintStream(Files.newOutputStream(hlogs.resolve(configuration.replace('/', '-') + "-" + rate + "-round-"
                + round + ".hlog")))) {
            HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputLogFormatVersion();
            writer.outputLegend();
            writer.outputIntervalHistogram(h);
        }
        double requests = completed.get() / seconds;
        double predictions = requests * rowsPerRequest;
        return new Result(configuration, rate, requests, predictions, h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                h.getValueAtPercentile(99), h.getMaxValue(), errors.get(), cpu / 1e9 / Math.max(1e-9, completed.get() * rowsPerRequest / 1e6));
    }
}
