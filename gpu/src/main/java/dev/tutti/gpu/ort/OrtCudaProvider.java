package dev.tutti.gpu.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.gpu.CpuTwins;
import dev.tutti.gpu.LibraryGpuProvider;
import dev.tutti.gpu.GpuDiscovery;
import dev.tutti.gpu.GpuSettings;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * ONNX Runtime with its CUDA execution provider ({@code onnxruntime-cuda}, rank {@value #RANK}: below
 * the FFM backend, which runs dense graphs only, above the CPU runtimes): any ONNX graph, on the
 * device {@code tutti.gpu.device}, each member wrapped with its CPU twin ({@link CpuTwins}).
 *
 * <p>Usable only with ONNX Runtime's CUDA build on the class path: build with {@code -Ponnxruntime-gpu}
 * (artifact {@code com.microsoft.onnxruntime:onnxruntime_gpu}, which needs CUDA 12 and cuDNN 9 on the
 * host). With the default CPU build, {@link #unavailableReason} says so and the CPU runtime serves.
 *
 * <p>Threads: thread-safe; {@link #load} may run concurrently.
 */
public final class OrtCudaProvider extends LibraryGpuProvider {
    /** Name in logs. */
    public static final String NAME = "onnxruntime-cuda";
    /** Between the FFM backend (200) and the CPU runtimes (100). */
    public static final int RANK = 150;

    private final Supplier<EnumSet<OrtProvider>> providers;

    /** The provider {@link java.util.ServiceLoader} makes: settings from system properties, twins from the class path. */
    public OrtCudaProvider() {
        this(GpuSettings.fromSystem(), OrtEnvironment::getAvailableProviders, CpuTwins::onClassPath);
    }

    /**
     * @param providers the execution providers of the ONNX Runtime build at hand
     * @param twinRuntimes the runtimes the CPU twin may come from
     */
    public OrtCudaProvider(GpuSettings settings, Supplier<EnumSet<OrtProvider>> providers,
            Supplier<List<MemberRuntimeProvider>> twinRuntimes) {
        super(NAME, RANK, ModelFormats.ONNX, settings, twinRuntimes);
        this.providers = providers;
    }

    @Override
    protected Optional<String> libraryUnavailable() {
        EnumSet<OrtProvider> available;
        try {
            available = providers.get();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("ONNX Runtime's native library did not load: " + e);
        }
        if (!available.contains(OrtProvider.CUDA)) {
            return Optional.of("this ONNX Runtime build has no CUDA execution provider (it has " + available
                    + "): build with -Ponnxruntime-gpu (com.microsoft.onnxruntime:onnxruntime_gpu; needs CUDA 12 and cuDNN 9)");
        }
        return deviceMissing(settings());
    }

    /** Why device {@code tutti.gpu.device} is not there, by the driver's own count (empty when it is, or when the driver cannot tell). */
    static Optional<String> deviceMissing(GpuSettings settings) {
        GpuDiscovery found = GpuDiscovery.of(settings);
        if (found.devices().isEmpty()) {
            return found.unavailable().filter(why -> why.startsWith("no CUDA") || why.startsWith("the CUDA driver"));
        }
        if (settings.device() >= found.devices().size()) {
            return Optional.of("tutti.gpu.device=" + settings.device() + " but only " + found.devices().size() + " device(s)");
        }
        return Optional.empty();
    }

    @Override
    protected Member loadOnDevice(ModelSpec spec, int device) throws MemberException {
        return OrtCudaMember.load(spec, device);
    }

    @Override
    protected String describe(int device) {
        return "ONNX Runtime session on CUDA device " + device;
    }
}
