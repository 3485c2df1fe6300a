package dev.tutti.gpu;

import dev.tutti.combine.Task;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.gpu.dense.GpuDenseMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The FFM target: an MLP of three hidden layers of 256 units (256 -> 256 -> 256 -> 256 -> 1,
 * ReLU) at batch 4096, timed per batch through the member as the engine calls it (rows copied into
 * pinned memory, H2D, 4 SGEMMs + 4 kernels, D2H, sync, scores written). gpu-run.sh prints PyTorch's
 * time for the same layers next to it. Exit code 3 (and a line saying why) when no GPU is usable.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp ... dev.tutti.gpu.GpuMlpBenchmark [batch] [iterations]}
 */
public final class GpuMlpBenchmark {
    private GpuMlpBenchmark() {}

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        GpuSettings settings = GpuSettings.fromSystem();
        GpuDiscovery found = GpuDiscovery.of(settings);
        if (found.unavailable().isPresent()) {
            System.out.println("GPU-FFM: unavailable (" + found.unavailable().get() + ")");
            System.exit(3);
        }
        System.out.println("GPU-FFM: devices " + found.devices() + ", driver " + found.api().orElseThrow().driverLibrary() + ", cuBLAS "
                + found.api().orElseThrow().cublasLibrary());
        Path dir = Files.createTempDirectory("tutti-gpu-bench");
        Path onnx = new DenseOnnx(256, 42).gemm(256, true, 1f, 1f).op("Relu").gemm(256, true, 1f, 1f).op("Relu").gemm(256, true, 1f, 1f)
                .op("Relu").gemm(1, true, 1f, 1f).write(dir.resolve("mlp256.onnx"), "value");
        ModelSpec spec = Specs.spec("mlp256", onnx, 256, Task.REGRESSION, 0, Map.of("gpu.twin", "none"));
        float[] x = Specs.rows(batch, 256, 7);
        long loadStart = System.nanoTime();
        try (Member member = new GpuRuntimeProvider(settings, List::of).load(spec)) {
            long loaded = System.nanoTime();
            var input = Specs.direct(x);
            var matrix = new dev.tutti.combine.ScoreMatrix(1, 1, batch);
            matrix.rows(batch);
            var out = new dev.tutti.engine.spi.MemberOutput().wrap(matrix, 0);
            long first = System.nanoTime();
            member.score(input, 1, out);
            long firstRow = System.nanoTime() - first;
            first = System.nanoTime();
            member.score(input, 256, out);
            System.out.printf("GPU-FFM load (weights uploaded, warm-up pass at 1 and 256 rows) %.1f ms; then the first call of 1 row %.1f us, "
                    + "the first of 256 rows %.1f us%n", (loaded - loadStart) / 1e6, firstRow / 1e3, (System.nanoTime() - first) / 1e3);
            for (int i = 0; i < 50; i++) {
                member.score(input, batch, out);
            }
            long[] times = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                member.score(input, batch, out);
                times[i] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            double flops = 2.0 * batch * (256.0 * 256 * 3 + 256);
            System.out.printf("GPU-FFM mlp 256x256x256x256->1 batch=%d: median %.1f us, best %.1f us, p90 %.1f us (%.0f GFLOP/s at the median; "
                    + "includes pinned staging, H2D, D2H, sync and writing the scores)%n", batch, times[iterations / 2] / 1e3, times[0] / 1e3,
                    times[iterations * 9 / 10] / 1e3, flops / times[iterations / 2]);
            GpuDenseMember dense = (GpuDenseMember) ((TwinFallbackMember) member).gpuMember();
            for (int round = 0; round < 3; round++) {
                GpuDenseMember.PhaseTimes phases = dense.timePhases(input, batch, iterations);
                System.out.printf("GPU-FFM phases batch=%d (us per batch, each phase %d times back to back): staging %.1f, H2D %.1f, "
                        + "layers %.1f (%.0f GFLOP/s), D2H %.1f%n", batch, iterations, phases.staging(), phases.upload(), phases.layers(),
                        flops / (phases.layers() * 1e3), phases.download());
            }
            float[] expected = OrtReference.run(onnx, x, batch, 256);
            double worst = 0;
            for (int r = 0; r < batch; r++) {
                worst = Math.max(worst, Math.abs(matrix.get(0, 0, r) - expected[r]));
            }
            System.out.printf("GPU-FFM parity vs onnxruntime-cpu: max abs err %.2e -> %s%n", worst, worst <= 1e-4 ? "PASS" : "FAIL");
            if (worst > 1e-4) {
                System.exit(1);
            }
        } finally {
            Files.deleteIfExists(onnx);
            Files.deleteIfExists(dir);
        }
    }
}
