package dev.tutti.gpu;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.NetworkOutput;
import dev.tutti.gpu.cuda.CudaApi;
import dev.tutti.gpu.dense.DenseNetwork;
import dev.tutti.gpu.dense.GpuDenseMember;
import dev.tutti.gpu.dense.OnnxDenseImporter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The CUDA runtime over {@code java.lang.foreign} ({@code cuda-ffm}, rank {@value #RANK}, above the CPU
 * runtimes' 100): ONNX members that are dense networks ({@link OnnxDenseImporter}) run on the GPU
 * with weights resident there ({@link GpuDenseMember}), each wrapped with its CPU twin
 * ({@link TwinFallbackMember}).
 *
 * <p>{@link #unavailableReason} says exactly why the runtime cannot be used here (disabled, no CUDA
 * driver, no device, no cuBLAS; from {@link GpuDiscovery}, probed and logged once). A graph it does
 * not run is refused at {@link #load} with the op named, and the engine loads the member with the
 * next runtime. The twin comes from the CPU runtimes ({@link CpuTwins}; by default those on the class
 * path; member option {@code gpu.twin=none} loads none).
 *
 * <p>Threads: thread-safe; {@link #load} may run concurrently (device work is serialised on each
 * device's thread).
 */
public final class GpuRuntimeProvider implements MemberRuntimeProvider {
    /** Name in logs. */
    public static final String NAME = GpuDenseMember.RUNTIME;
    /** Above the CPU runtimes (100). */
    public static final int RANK = 200;

    private final GpuSettings settings;
    private final Supplier<List<MemberRuntimeProvider>> twinRuntimes;

    /** The provider {@link ServiceLoader} makes: settings from system properties, twins from the class path. */
    public GpuRuntimeProvider() {
        this(GpuSettings.fromSystem(), CpuTwins::onClassPath);
    }

    /**
     * @param twinRuntimes the runtimes the CPU twin may come from (called at each load)
     */
    public GpuRuntimeProvider(GpuSettings settings, Supplier<List<MemberRuntimeProvider>> twinRuntimes) {
        this.settings = settings;
        this.twinRuntimes = twinRuntimes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Set<String> formats() {
        return Set.of(ModelFormats.ONNX);
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        try {
            return GpuDiscovery.of(settings).unavailable();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("GPU discovery failed: " + e);
        }
    }

    /** What discovery found (probing on first use). */
    public GpuDiscovery discovery() {
        return GpuDiscovery.of(settings);
    }

    @Override
    public Member load(ModelSpec spec) throws MemberException {
        CudaApi api = GpuDiscovery.of(settings).api()
                .orElseThrow(() -> new MemberException("member " + spec.pin() + ": " + unavailableReason(spec).orElse("no GPU")));
        DenseNetwork network = OnnxDenseImporter.read(spec);
        NetworkOutput output = NetworkOutput.of(spec, network.outputs());
        TwinFallbackMember.GpuLoader loader = () -> GpuDenseMember.load(spec, api, settings.device(), network, output);
        return CpuTwins.wrap(spec, NAME, loader, twinRuntimes, settings.retryAfter(),
                network.layers().size() + " layer(s) resident on GPU " + settings.device());
    }
}
