package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutti.combine.Task;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
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
 * On a real CUDA device (tag {@code gpu}): a kernel fault (a write through a bad device pointer)
 * poisons the context as a lost device would; the CPU twin answers the following batches with no
 * failed batch, and the next probe resets the primary context and brings the member back to the GPU.
 * Skipped, with the discovery's reason, where there is no usable device.
 */
@Tag("gpu")
class RealGpuFaultTest {
    private static GpuSettings settings;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireGpu() {
        GpuSettings configured = GpuSettings.fromSystem();
        GpuDiscovery found = GpuDiscovery.of(configured);
        assumeTrue(found.unavailable().isEmpty(), () -> "no usable GPU: " + found.unavailable().orElse(""));
        // a zero back-off: the batch after a failure probes the GPU again
        settings = new GpuSettings(true, configured.cudaLibrary(), configured.cublasLibrary(), configured.device(), Duration.ZERO);
    }

    @Test
    void shouldServeFromTheTwinAfterAKernelFaultAndComeBackOnceTheContextIsReset() throws Exception {
        Path onnx = new DenseOnnx(19, 4).gemm(64, true, 1f, 1f).op("Relu").gemm(1, true, 1f, 1f).op("Sigmoid")
                .write(dir.resolve("fault.onnx"), "probability");
        ModelSpec spec = Specs.spec("fault", onnx, 19, Task.BINARY, 2, Map.of());
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(settings, () -> List.of(cpu));
        float[] x = Specs.rows(300, 19, 8);
        float[] expected = OrtReference.run(onnx, x, 300, 19);
        try (Member member = new MemberRuntimes(List.of(gpu, cpu)).load(spec)) {
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

            assertClose(Specs.score(member, x, 300), expected);
            assertThat(status.onFallback()).as("the twin answers the batch after the fault").isTrue();
            assertThat(status.fallbackBatches()).isEqualTo(1);

            assertClose(Specs.score(member, x, 300), expected);
            assertThat(status.onFallback()).as("back on the GPU once the context was reset").isFalse();
            assertThat(status.activeRuntime()).isEqualTo("cuda-ffm");
            assertThat(status.recoveries()).isEqualTo(1);
            System.out.println("GPU fault: twin served " + status.fallbackBatches() + " batch(es), then the member came back on "
                    + status.activeRuntime() + " after the context reset");
        }
    }

    private static void assertClose(float[][] actual, float[] expected) {
        for (int r = 0; r < expected.length; r++) {
            assertThat((double) actual[0][r]).as("row %d", r).isCloseTo(expected[r], offset(1e-4));
        }
    }
}
