package dev.tutti.gpu;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the library GPU runtimes ({@code onnxruntime-cuda}, {@code djl-pytorch-gpu}) share: name, rank
 * and format, the {@code tutti.gpu.enabled} switch, and a load that refuses with the reason when the
 * runtime is unavailable, else loads the member on device {@code tutti.gpu.device} and wraps it with
 * its CPU twin ({@link CpuTwins}). Subclasses say why their library cannot run here and how to load
 * a member on a device.
 *
 * <p>Threads: thread-safe; {@link #load} may run concurrently.
 */
public abstract class LibraryGpuProvider implements MemberRuntimeProvider {
    private final String name;
    private final int rank;
    private final String format;
    private final GpuSettings settings;
    private final Supplier<List<MemberRuntimeProvider>> twinRuntimes;

    protected LibraryGpuProvider(String name, int rank, String format, GpuSettings settings,
            Supplier<List<MemberRuntimeProvider>> twinRuntimes) {
        this.name = name;
        this.rank = rank;
        this.format = format;
        this.settings = settings;
        this.twinRuntimes = twinRuntimes;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int rank() {
        return rank;
    }

    @Override
    public final Set<String> formats() {
        return Set.of(format);
    }

    protected final GpuSettings settings() {
        return settings;
    }

    @Override
    public final Optional<String> unavailableReason(ModelSpec spec) {
        return settings.enabled() ? libraryUnavailable() : Optional.of("disabled by tutti.gpu.enabled=false");
    }

    /** Why the library cannot run members on the configured device here, or empty when it can. Cheap after the first call; never throws. */
    protected abstract Optional<String> libraryUnavailable();

    /** Loads the member on CUDA device {@code device}. */
    protected abstract Member loadOnDevice(ModelSpec spec, int device) throws MemberException;

    /** What the log line says about a loaded member, e.g. "ONNX Runtime session on CUDA device 0". */
    protected abstract String describe(int device);

    @Override
    public final Member load(ModelSpec spec) throws MemberException {
        Optional<String> unavailable = unavailableReason(spec);
        if (unavailable.isPresent()) {
            throw new MemberException("member " + spec.pin() + ": " + unavailable.get());
        }
        int device = settings.device();
        return CpuTwins.wrap(spec, name, () -> loadOnDevice(spec, device), twinRuntimes, settings.retryAfter(), describe(device));
    }
}
