package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutti.combine.Task;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.RuntimeStatus;
import dev.tutti.gpu.cuda.CudaDevice;
import dev.tutti.gpu.cuda.CudaDriver;
import dev.tutti.gpu.cuda.CudaException;
import dev.tutti.gpu.dense.GpuDenseMember;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real CUDA device, tag {@code gpu-fault}, in a JVM of its own (it leaves CUDA unusable for the
 * rest of the process; gpu/scripts/gpu-run.sh runs it last, alone): a kernel fault (a write through
 * an unmapped device address) poisons the context as a lost device would. The CPU twin answers every
 * following batch correctly, each probe of the GPU fails at once saying the process must be
 * restarted, and a member loaded afterwards goes to the CPU runtime. Skipped, with the discovery's
 * reason, where there is no usable device.
 */
@Tag("gpu-fault")
class RealGpuFaultTest {
    private static GpuSettings settings;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireGpu() {
        GpuSettings configured = GpuSettings.fromSystem();
        GpuDiscovery found = GpuDiscovery.of(configured);
        assumeTrue(found.unavailable().isEmpty(), () -> "no usable GPU: " + found.unavailable().orElse(""));
        // a zero back-off: every batch after the fault probes the GPU again
        settings = new GpuSettings(true, configured.cudaLibrary(), configured.cublasLibrary(), configured.device(), Duration.ZERO);
    }

    @Test
    void shouldServeEveryBatchFromTheTwinAfterAKernelFaultAndSayARestartIsNeeded() throws Exception {
        Path onnx = new DenseOnnx(19, 4).gemm(64, true, 1f, 1f).op("Relu").gemm(1, true, 1f, 1f).op("Sigmoid")
                .write(dir.resolve("fault.onnx"), "probability");
        ModelSpec spec = Specs.spec("fault", onnx, 19, Task.BINARY, 2, Map.of());
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(settings, () -> List.of(cpu));
        MemberRuntimes runtimes = new MemberRuntimes(List.of(gpu, cpu));
        float[] x = Specs.rows(300, 19, 8);
        float[] expected = OrtReference.run(onnx, x, 300, 19);
        try (Member member = runtimes.load(spec)) {
            RuntimeStatus status = (RuntimeStatus) member;
            assertClose(Specs.score(member, x, 300), expected);
            assertThat(status.activeRuntime()).isEqualTo("cuda-ffm");

            CudaDevice device = ((GpuDenseMember) ((TwinFallbackMember) member).gpuMember()).device();
            assertThatThrownBy(() -> device.call(() -> {
                device.biasActivation(0x1000L, 0x1000L, 1 << 16, 256, 0); // y and bias at an address nothing maps
                device.synchronize();
                return null;
            })).isInstanceOfSatisfying(CudaException.class, e -> {
                System.out.println("GPU fault injected: " + e.getMessage());
                assertThat(CudaDriver.isSticky(e.code())).as("a sticky error: %s", e.getMessage()).isTrue();
            });

            for (int batch = 1; batch <= 3; batch++) {
                assertClose(Specs.score(member, x, 300), expected);
                assertThat(status.onFallback()).as("the twin answers batch %d after the fault", batch).isTrue();
                assertThat(status.fallbackBatches()).isEqualTo(batch);
            }
            assertThat(status.primaryFailures()).as("the fault, then a failed probe per batch").isEqualTo(3);
            assertThatThrownBy(() -> gpu.load(spec)).isInstanceOf(MemberException.class)
                    .hasMessageContaining("a sticky error left by an earlier fault")
                    .satisfies(e -> System.out.println("GPU probe after the fault: " + e.getMessage()));
            try (Member later = runtimes.load(spec)) {
                assertThat(later).as("a member loaded after the fault goes to the CPU runtime").isNotInstanceOf(RuntimeStatus.class);
                assertClose(Specs.score(later, x, 300), expected);
            }
            System.out.println("GPU fault: the twin served " + status.fallbackBatches() + " batches, every one correct; "
                    + status.primaryFailures() + " GPU failures counted");
        }
    }

    private static void assertClose(float[][] actual, float[] expected) {
        for (int r = 0; r < expected.length; r++) {
            assertThat((double) actual[0][r]).as("row %d", r).isCloseTo(expected[r], offset(1e-4));
        }
    }
}
