package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.tutti.combine.Task;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.RuntimeStatus;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.gpu.dense.UnsupportedGraphException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.tutti.gpu.dense.DenseNetwork;

/**
 * The provider as the engine sees it: why it is unavailable, which graphs it refuses (and that the CPU
 * runtime then serves them), and the CPU twin taking over on a CUDA error with no failed batch, counted
 * and flagged, until the GPU is probed again.
 */
class GpuRuntimeProviderTest {
    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        CudaStub.clear();
        CudaStub.devices(1);
    }

    private Path binaryMlp() throws Exception {
        return new DenseOnnx(10, 11).gemm(24, true, 1f, 1f).op("Relu").gemm(1, true, 1f, 1f).op("Sigmoid")
                .write(dir.resolve("mlp.onnx"), "probability");
    }

    @Test
    void shouldSayWhyWhenThereIsNoCudaDriver() {
        GpuSettings settings = new GpuSettings(true, Optional.of(dir.resolve("libcuda.so.1").toString()), Optional.empty(), 0,
                Duration.ofSeconds(1));
        GpuDiscovery found = GpuDiscovery.probe(settings);
        assertThat(found.unavailable()).hasValueSatisfying(why -> assertThat(why).startsWith("no CUDA driver")
                .contains(dir.resolve("libcuda.so.1").toString()));
        assertThat(found.api()).isEmpty();
    }

    @Test
    void shouldSayWhyWhenTheDriverHasNoDevice() {
        CudaStub.devices(0);
        GpuDiscovery found = GpuDiscovery.probe(CudaStub.settings(Duration.ofSeconds(1)));
        assertThat(found.unavailable()).hasValueSatisfying(why -> assertThat(why).startsWith("no CUDA device").contains("reports 0 devices"));
    }

    @Test
    void shouldSayWhyWhenThereIsNoCublas() {
        GpuSettings stub = CudaStub.settings(Duration.ofSeconds(1));
        GpuSettings settings = new GpuSettings(true, stub.cudaLibrary(), Optional.of(dir.resolve("libcublas.so.13").toString()), 0,
                Duration.ofSeconds(1));
        GpuDiscovery found = GpuDiscovery.probe(settings);
        assertThat(found.unavailable()).hasValueSatisfying(why -> assertThat(why).startsWith("no cuBLAS").contains("libcublas.so.13"));
        assertThat(found.devices()).extracting(GpuDiscovery.Device::name).containsExactly("Tutti CUDA stub (CPU)");
    }

    @Test
    void shouldBeDisabledBySetting() {
        GpuSettings off = new GpuSettings(false, Optional.empty(), Optional.empty(), 0, Duration.ofSeconds(1));
        assertThat(GpuDiscovery.probe(off).unavailable()).contains("disabled by tutti.gpu.enabled=false");
    }

    @Test
    void shouldLetTheCpuRuntimeServeWhenTheGpuIsUnavailable() throws Exception {
        GpuSettings missing = new GpuSettings(true, Optional.of(dir.resolve("nothing.so").toString()), Optional.empty(), 0, Duration.ofSeconds(1));
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        ModelSpec spec = Specs.spec("mlp", binaryMlp(), 10, Task.BINARY, 2, Map.of());
        try (Member member = new MemberRuntimes(List.of(new GpuRuntimeProvider(missing, List::of), cpu)).load(spec)) {
            assertThat(member).isNotInstanceOf(TwinFallbackMember.class);
            assertThat(cpu.loads).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"telco, mlp-onnx", "spam, mlp-onnx"})
    void shouldRunABundledMlpWithItsFeatureEncodingOnTheHostAndMatchOnnxRuntime(String dataset, String memberName) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec spec = golden.member(memberName);
        DenseNetwork network = dev.tutti.gpu.dense.OnnxDenseImporter.read(spec);
        assertThat(network.encoding()).as("the graph's imputation, scaling and one-hot run on the host").isNotNull();
        assertThat(network.inputs()).isEqualTo(spec.schema().width());
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(CudaStub.settings(Duration.ofSeconds(1)), List::of);
        int rows = golden.rows(); // every golden row, those with missing values included
        float[] x = new float[rows * spec.schema().width()];
        golden.encodedRows(0, rows).get(0, x);
        try (Member member = gpu.load(spec)) {
            assertThat(((RuntimeStatus) member).activeRuntime()).isEqualTo("cuda-ffm");
            float[][] actual = Specs.score(member, x, rows);
            for (int o = 0; o < actual.length; o++) {
                for (int r = 0; r < rows; r++) {
                    assertThat((double) actual[o][r]).as("%s row %d output %d (%s)", dataset, r, o, golden.split(r))
                            .isCloseTo(golden.reference(spec, o)[r], offset(1e-4));
                }
            }
            assertThat(java.util.stream.IntStream.range(0, rows).filter(r -> golden.split(r).equals("missing")).count())
                    .as("rows with missing values covered").isPositive();
        }
    }

    @Test
    void shouldRefuseAFeatureEncodingOpItDoesNotRunAndLeaveTheGraphToTheCpuRuntime() throws Exception {
        Path onnx = new DenseOnnx(5, 13).op("Abs").gemm(1, true, 1f, 1f).write(dir.resolve("abs.onnx"), "y");
        ModelSpec spec = Specs.spec("abs", onnx, 5, Task.REGRESSION, 0, Map.of());
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(CudaStub.settings(Duration.ofSeconds(1)), List::of);
        assertThatThrownBy(() -> gpu.load(spec)).isInstanceOf(UnsupportedGraphException.class)
                .hasMessageContaining("member abs@1").hasMessageContaining("does not run ONNX op(s) Abs")
                .hasMessageContaining("after a feature encoding of");
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        try (Member member = new MemberRuntimes(List.of(gpu, cpu)).load(spec)) {
            assertThat(member).isNotInstanceOf(TwinFallbackMember.class);
            assertThat(cpu.loads).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAnUnsupportedOpByName() throws Exception {
        Path onnx = new DenseOnnx(5, 12).gemm(4, true, 1f, 1f).op("LeakyRelu").gemm(1, true, 1f, 1f).write(dir.resolve("leaky.onnx"), "y");
        ModelSpec spec = Specs.spec("leaky", onnx, 5, Task.REGRESSION, 0, Map.of());
        assertThatThrownBy(() -> new GpuRuntimeProvider(CudaStub.settings(Duration.ofSeconds(1)), List::of).load(spec))
                .isInstanceOf(UnsupportedGraphException.class).hasMessageContaining("member leaky@1")
                .hasMessageContaining("LeakyRelu (node 'leakyrelu_");
    }

    @Test
    void shouldServeTheSameBatchFromTheCpuTwinWhenTheGpuFailsAndComeBackWhenItRecovers() throws Exception {
        Path onnx = binaryMlp();
        ModelSpec spec = Specs.spec("mlp", onnx, 10, Task.BINARY, 2, Map.of());
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        // a zero back-off: every batch after a failure probes the GPU again
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(CudaStub.settings(Duration.ZERO), () -> List.of(cpu));
        long before = CudaStub.live();
        float[] x = Specs.rows(50, 10, 21);
        float[] expected = OrtReference.run(onnx, x, 50, 10);
        try (Member member = new MemberRuntimes(List.of(gpu, cpu)).load(spec)) {
            RuntimeStatus status = (RuntimeStatus) member;
            assertThat(cpu.loads).as("the twin is loaded with the GPU member").isEqualTo(1);
            assertClose(Specs.score(member, x, 50), expected);
            assertThat(status.activeRuntime()).isEqualTo("cuda-ffm");
            assertThat(status.onFallback()).isFalse();

            CudaStub.fail("cuLaunchKernel", 0, 700); // the device goes bad mid-batch, and stays bad
            assertClose(Specs.score(member, x, 50), expected);
            assertThat(status.onFallback()).isTrue();
            assertThat(status.activeRuntime()).isEqualTo("onnxruntime-test-twin");
            assertThat(status.primaryFailures()).isEqualTo(1);
            assertThat(status.fallbackBatches()).isEqualTo(1);

            assertClose(Specs.score(member, x, 50), expected); // probed again, fails again, twin again
            assertThat(status.primaryFailures()).isEqualTo(2);
            assertThat(status.fallbackBatches()).isEqualTo(2);
            assertThat(status.recoveries()).isZero();

            CudaStub.clear();
            assertClose(Specs.score(member, x, 50), expected); // the GPU is back
            assertThat(status.onFallback()).isFalse();
            assertThat(status.recoveries()).isEqualTo(1);
            assertThat(status.fallbackBatches()).isEqualTo(2);
        }
        assertThat(CudaStub.live()).as("failed GPU members were closed and freed").isEqualTo(before);
    }

    /**
     * A kernel fault poisons the CUDA context for the rest of the process (every later call fails with
     * the same error; a real driver offers no way back): every member's twin takes over at its next
     * batch and keeps serving, each probe of the GPU fails at once saying the process must be
     * restarted, a member loaded now goes to the CPU runtime, and nothing is freed twice.
     */
    @Test
    void shouldKeepServingFromTheTwinsAfterAFaultPoisonsTheContextAndSayARestartIsNeeded() throws Exception {
        Path onnx = binaryMlp();
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(CudaStub.settings(Duration.ZERO), () -> List.of(cpu));
        long badBefore = CudaStub.badCalls();
        float[] x = Specs.rows(40, 10, 5);
        float[] expected = OrtReference.run(onnx, x, 40, 10);
        MemberRuntimes runtimes = new MemberRuntimes(List.of(gpu, cpu));
        try (Member first = runtimes.load(Specs.spec("first", onnx, 10, Task.BINARY, 2, Map.of()));
                Member second = runtimes.load(Specs.spec("second", onnx, 10, Task.BINARY, 2, Map.of()))) {
            RuntimeStatus one = (RuntimeStatus) first;
            RuntimeStatus two = (RuntimeStatus) second;
            assertClose(Specs.score(first, x, 40), expected);
            assertClose(Specs.score(second, x, 40), expected);

            CudaStub.poison(700); // CUDA_ERROR_ILLEGAL_ADDRESS, as after a kernel wrote out of bounds
            for (int batch = 1; batch <= 3; batch++) {
                assertClose(Specs.score(first, x, 40), expected);
                assertClose(Specs.score(second, x, 40), expected);
                assertThat(one.onFallback()).isTrue();
                assertThat(two.onFallback()).isTrue();
                assertThat(one.fallbackBatches()).isEqualTo(batch);
                assertThat(one.primaryFailures()).as("the fault, then one failed probe per batch").isEqualTo(batch);
            }
            assertThat(one.recoveries()).isZero();
            assertThatThrownBy(() -> gpu.load(Specs.spec("third", onnx, 10, Task.BINARY, 2, Map.of())))
                    .isInstanceOf(MemberException.class)
                    .hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS (700): a sticky error left by an earlier fault")
                    .hasMessageContaining("restart it to use the GPU");
            try (Member third = runtimes.load(Specs.spec("third", onnx, 10, Task.BINARY, 2, Map.of()))) {
                assertThat(third).as("a member loaded after the fault goes to the CPU runtime").isNotInstanceOf(RuntimeStatus.class);
                assertClose(Specs.score(third, x, 40), expected);
            }
        }
        assertThat(CudaStub.badCalls()).as("no free or destroy of what was not live").isEqualTo(badBefore);
    }

    @Test
    void shouldFailTheBatchWhenTheGpuFailsAndThereIsNoTwin() throws Exception {
        Path onnx = binaryMlp();
        ModelSpec spec = Specs.spec("mlp", onnx, 10, Task.BINARY, 2, Map.of("gpu.twin", "none"));
        GpuRuntimeProvider gpu = new GpuRuntimeProvider(CudaStub.settings(Duration.ofHours(1)), () -> List.of(new OrtReference.TwinProvider()));
        try (Member member = gpu.load(spec)) {
            CudaStub.fail("cuStreamSynchronize", 0, 999);
            assertThatThrownBy(() -> Specs.score(member, Specs.rows(3, 10, 1), 3)).isInstanceOf(MemberException.class)
                    .hasMessageContaining("cuStreamSynchronize failed: CUDA_ERROR_UNKNOWN (999)");
            assertThatThrownBy(() -> Specs.score(member, Specs.rows(3, 10, 1), 3)).isInstanceOf(MemberException.class)
                    .hasMessageContaining("there is no CPU twin");
            assertThat(((RuntimeStatus) member).primaryFailures()).isEqualTo(1);
        }
    }

    private static void assertClose(float[][] actual, float[] expected) {
        for (int r = 0; r < expected.length; r++) {
            assertThat((double) actual[0][r]).as("row %d", r).isCloseTo(expected[r], offset(1e-4));
        }
    }
}
