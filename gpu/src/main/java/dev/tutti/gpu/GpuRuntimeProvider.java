package dev.tutti.gpu;

import dev.tutti.engine.member.MemberRuntimes;
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
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
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
 * next runtime. The twin is loaded through {@link MemberRuntimes} over the providers ranked below
 * this one (by default those on the class path; member option {@code gpu.twin=none} loads none).
 *
 * <p>Threads: thread-safe; {@link #load} may run concurrently (device work is serialised on each
 * device's thread).
 */
public final class GpuRuntimeProvider implements MemberRuntimeProvider {
    /** Name in logs. */
    public static final String NAME = GpuDenseMember.RUNTIME;
    /** Above the CPU runtimes (100). */
    public static final int RANK = 200;

    private static final Logger LOG = System.getLogger(GpuRuntimeProvider.class.getName());

    private final GpuSettings settings;
    private final Supplier<List<MemberRuntimeProvider>> twinRuntimes;

    /** The provider {@link ServiceLoader} makes: settings from system properties, twins from the class path. */
    public GpuRuntimeProvider() {
        this(GpuSettings.fromSystem(), GpuRuntimeProvider::lowerRankedOnClassPath);
    }

    /**
     * @param twinRuntimes the runtimes the CPU twin may come from (called at each load)
     */
    public GpuRuntimeProvider(GpuSettings settings, Supplier<List<MemberRuntimeProvider>> twinRuntimes) {
        this.settings = settings;
        this.twinRuntimes = twinRuntimes;
    }

    private static List<MemberRuntimeProvider> lowerRankedOnClassPath() {
        List<MemberRuntimeProvider> found = new ArrayList<>();
        for (MemberRuntimeProvider p : ServiceLoader.load(MemberRuntimeProvider.class)) {
            if (p.rank() < RANK) {
                found.add(p);
            }
        }
        return found;
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
        Member gpu = loader.load();
        Member twin = null;
        String twinRuntime = "none";
        try {
            if (!spec.option("gpu.twin", "auto").equals("none")) {
                MemberRuntimes runtimes = new MemberRuntimes(twinRuntimes.get());
                twinRuntime = runtimes.providers().stream()
                        .filter(p -> p.formats().contains(spec.format()) && p.unavailableReason(spec).isEmpty())
                        .map(MemberRuntimeProvider::name).findFirst().orElse("none");
                twin = runtimes.load(spec);
            }
        } catch (MemberException | RuntimeException e) {
            LOG.log(Level.WARNING, "member {0}: no CPU twin ({1}); a GPU failure will drop the member for the batch", spec.pin(),
                    e.getMessage());
            twinRuntime = "none";
        }
        LOG.log(Level.INFO, "member {0}: {1} layer(s) resident on GPU {2} ({3}); CPU twin: {4}", spec.pin(), network.layers().size(),
                settings.device(), ((GpuDenseMember) gpu).device().name(), twinRuntime);
        return new TwinFallbackMember(spec, NAME, gpu, loader, twin, twinRuntime, settings.retryAfter(), System::nanoTime);
    }
}
