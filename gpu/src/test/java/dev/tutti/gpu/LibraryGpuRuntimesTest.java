package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtProvider;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.gpu.ort.OrtCudaMember;
import dev.tutti.gpu.ort.OrtCudaProvider;
import dev.tutti.gpu.torch.TorchGpuMember;
import dev.tutti.gpu.torch.TorchGpuProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library GPU runtimes, {@code onnxruntime-cuda} and {@code djl-pytorch-gpu}: why each is
 * unavailable on a machine without their CUDA builds, that the engine then loads the member with the
 * CPU runtime, and the members' own code (tensor contract, device thread, output handling) run
 * against the golden reference outputs with the device set to the CPU. The CUDA device itself is
 * exercised by the {@code gpu}-tagged test, which skips without a usable device.
 */
class LibraryGpuRuntimesTest {
    private static final GpuSettings ON = new GpuSettings(true, Optional.empty(), Optional.empty(), 0, Duration.ofSeconds(1));
    private static final GpuSettings OFF = new GpuSettings(false, Optional.empty(), Optional.empty(), 0, Duration.ofSeconds(1));

    @AfterEach
    void reset() {
        CudaStub.clear();
        CudaStub.devices(1);
    }

    static Stream<Arguments> networks() {
        return GoldenSet.DATASETS.stream().map(GoldenSet::load).flatMap(golden -> golden.members().stream()
                .filter(m -> m.format().equals(ModelFormats.ONNX) || m.format().equals(ModelFormats.TORCHSCRIPT))
                .map(m -> Arguments.of(golden.dataset(), m.name())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("networks")
    void shouldMatchTheReferenceWhenRunOnTheCpu(String dataset, String memberName) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec spec = golden.member(memberName);
        try (Member member = spec.format().equals(ModelFormats.ONNX) ? OrtCudaMember.load(spec, -1) : TorchGpuMember.load(spec, -1)) {
            assertMatchesReference(golden, spec, member, 256, 1e-5);
        }
    }

    @Test
    void shouldSayTheOnnxRuntimeBuildHasNoCudaProvider() {
        OrtCudaProvider provider = new OrtCudaProvider();
        assumeTrue(!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has ONNX Runtime's CUDA provider");
        assertThat(provider.unavailableReason(telco("mlp-onnx"))).hasValueSatisfying(why -> assertThat(why)
                .startsWith("this ONNX Runtime build has no CUDA execution provider (it has [CPU])")
                .contains("-Ponnxruntime-gpu").contains("onnxruntime_gpu"));
        assertThatThrownBy(() -> provider.load(telco("mlp-onnx"))).isInstanceOf(MemberException.class)
                .hasMessageStartingWith("member mlp-onnx@1: this ONNX Runtime build has no CUDA execution provider");
    }

    @Test
    void shouldSayWhenTheDriverSeesNoDeviceForOnnxRuntime() {
        CudaStub.devices(0);
        // discovery is probed once per settings: a back-off no other test uses makes these settings new
        OrtCudaProvider provider = new OrtCudaProvider(CudaStub.settings(Duration.ofMillis(4321)),
                () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), List::of);
        assertThat(provider.unavailableReason(telco("mlp-onnx"))).hasValueSatisfying(why -> assertThat(why)
                .startsWith("no CUDA device").contains("reports 0 devices"));
    }

    @Test
    void shouldSayWhenTheConfiguredDeviceIsNotThere() {
        GpuSettings stub = CudaStub.settings(Duration.ofSeconds(1));
        GpuSettings second = new GpuSettings(true, stub.cudaLibrary(), stub.cublasLibrary(), 1, Duration.ofSeconds(1));
        OrtCudaProvider provider = new OrtCudaProvider(second, () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), List::of);
        assertThat(provider.unavailableReason(telco("mlp-onnx"))).contains("tutti.gpu.device=1 but only 1 device(s)");
    }

    @Test
    void shouldFallToTheCpuRuntimeWhenTheCudaSessionCannotBeMade() throws Exception {
        // the driver (the stub) reports a device and the build claims CUDA, but this ONNX Runtime jar
        // cannot add the CUDA provider: the load fails with the reason and the CPU runtime serves
        OrtCudaProvider cuda = new OrtCudaProvider(CudaStub.settings(Duration.ofSeconds(1)),
                () -> EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA), List::of);
        assumeTrue(!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has ONNX Runtime's CUDA provider");
        ModelSpec spec = telco("mlp-onnx");
        assertThatThrownBy(() -> cuda.load(spec)).isInstanceOf(MemberException.class)
                .hasMessageContaining("member mlp-onnx@1: ONNX Runtime cannot load").hasMessageContaining("with the CUDA provider on device 0");
        OrtReference.TwinProvider cpu = new OrtReference.TwinProvider();
        try (Member member = new MemberRuntimes(List.of(cuda, cpu)).load(spec)) {
            assertThat(member).isNotInstanceOf(TwinFallbackMember.class);
            assertThat(cpu.loads).isEqualTo(1);
        }
    }

    @Test
    void shouldSayDjlsLibtorchIsACpuBuild() {
        TorchGpuProvider provider = new TorchGpuProvider(ON, List::of);
        assertThat(provider.unavailableReason(telco("mlp-torchscript"))).hasValueSatisfying(why -> assertThat(why)
                .startsWith("DJL's libtorch ").contains("is a CPU build").contains("pytorch-native-cu").contains("-Dai.djl.offline=false"));
        assertThatThrownBy(() -> provider.load(telco("mlp-torchscript"))).isInstanceOf(MemberException.class)
                .hasMessageStartingWith("member mlp-torchscript@1: DJL's libtorch");
    }

    @Test
    void shouldBeDisabledBySetting() {
        assertThat(new OrtCudaProvider(OFF, () -> EnumSet.of(OrtProvider.CUDA), List::of).unavailableReason(telco("mlp-onnx")))
                .contains("disabled by tutti.gpu.enabled=false");
        assertThat(new TorchGpuProvider(OFF, List::of).unavailableReason(telco("mlp-torchscript")))
                .contains("disabled by tutti.gpu.enabled=false");
    }

    @Test
    void shouldRankTheFfmBackendThenTheLibrariesThenTheCpu() {
        List<MemberRuntimeProvider> ranked = new MemberRuntimes(List.of(new OrtReference.TwinProvider(), new OrtCudaProvider(),
                new GpuRuntimeProvider(), new TorchGpuProvider())).providers();
        assertThat(ranked).extracting(MemberRuntimeProvider::name).first().isEqualTo("cuda-ffm");
        assertThat(ranked).extracting(MemberRuntimeProvider::name).last().isEqualTo("onnxruntime-test-twin");
        assertThat(ranked.subList(1, 3)).extracting(MemberRuntimeProvider::name).containsExactlyInAnyOrder("onnxruntime-cuda", "djl-pytorch-gpu");
        assertThat(CpuTwins.onClassPath()).allSatisfy(p -> assertThat(p.rank()).isLessThanOrEqualTo(CpuTwins.CPU_RANK));
    }

    @Test
    void shouldRethrowTheDeviceThreadsFailureAsItWasThrown() {
        DeviceThread thread = DeviceThread.of(0);
        assertThatThrownBy(() -> thread.call(() -> {
            throw new MemberException("member x@1: out of device memory");
        })).isInstanceOf(MemberException.class).hasMessage("member x@1: out of device memory");
        assertThatThrownBy(() -> thread.call(() -> {
            throw new IllegalStateException("bad shape");
        })).isInstanceOf(IllegalStateException.class).hasMessage("bad shape");
    }

    /** On a GPU host with ONNX Runtime's CUDA build (-Ponnxruntime-gpu) or DJL's CUDA libtorch: the members on the device. */
    @Tag("gpu")
    @ParameterizedTest(name = "{0} {1} on CUDA device 0")
    @MethodSource("networks")
    void shouldMatchTheReferenceOnTheGpu(String dataset, String memberName) throws Exception {
        GoldenSet golden = GoldenSet.load(dataset);
        ModelSpec spec = golden.member(memberName);
        MemberRuntimeProvider provider = spec.format().equals(ModelFormats.ONNX) ? new OrtCudaProvider() : new TorchGpuProvider();
        Optional<String> unavailable = provider.unavailableReason(spec);
        assumeTrue(unavailable.isEmpty(), () -> provider.name() + ": " + unavailable.orElse(""));
        try (Member member = spec.format().equals(ModelFormats.ONNX) ? OrtCudaMember.load(spec, 0) : TorchGpuMember.load(spec, 0)) {
            assertMatchesReference(golden, spec, member, 256, 1e-4);
        }
    }

    private static ModelSpec telco(String member) {
        return GoldenSet.load("telco").member(member);
    }

    private static void assertMatchesReference(GoldenSet golden, ModelSpec spec, Member member, int batch, double tolerance)
            throws MemberException {
        ScoreMatrix scores = new ScoreMatrix(1, spec.outputs(), batch);
        MemberOutput out = new MemberOutput().wrap(scores, 0);
        List<double[]> reference = java.util.stream.IntStream.range(0, spec.outputs()).mapToObj(o -> golden.reference(spec, o)).toList();
        for (int from = 0; from < golden.rows(); from += batch) {
            int rows = Math.min(batch, golden.rows() - from);
            scores.rows(rows);
            member.score(golden.encodedRows(from, rows), rows, out);
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < spec.outputs(); o++) {
                    assertThat((double) scores.get(0, o, r)).as("%s %s row %d output %d", golden.dataset(), spec.name(), from + r, o)
                            .isCloseTo(reference.get(o)[from + r], org.assertj.core.data.Offset.offset(tolerance));
                }
            }
        }
    }
}
