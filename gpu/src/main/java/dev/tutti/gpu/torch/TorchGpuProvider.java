package dev.tutti.gpu.torch;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.gpu.CpuTwins;
import dev.tutti.gpu.LibraryGpuProvider;
import dev.tutti.gpu.GpuSettings;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * TorchScript members in DJL's PyTorch engine on a CUDA device ({@code djl-pytorch-gpu}, rank
 * {@value #RANK}, above the CPU runtime's 100), each wrapped with its CPU twin ({@link CpuTwins}).
 *
 * <p>Usable when DJL's libtorch is a CUDA build and sees the device {@code tutti.gpu.device}: users
 * put {@code ai.djl.pytorch:pytorch-native-cu*} (classifier {@code linux-x86_64}, the libtorch version
 * of the {@code pytorch-jni} on the class path) on the class path in place of
 * {@code pytorch-native-cpu}, or let DJL download one ({@code -Dai.djl.offline=false}). Otherwise
 * {@link #unavailableReason} says which of these is missing, and the CPU runtime serves.
 *
 * <p>DJL reads its settings from system properties when its engine starts; unless the caller set
 * them, this provider sets the CPU runtime's: offline, one intra-op and one inter-op thread, no
 * profiling executor (whichever runtime starts the engine first, the settings are the same).
 *
 * <p>Threads: thread-safe; the engine is started once, lazily, under the class-init lock.
 */
public final class TorchGpuProvider extends LibraryGpuProvider {
    /** Name in logs. */
    public static final String NAME = "djl-pytorch-gpu";
    /** Above the CPU runtimes (100). */
    public static final int RANK = 150;
    static final String ENGINE = "PyTorch";

    /** The provider {@link java.util.ServiceLoader} makes: settings from system properties, twins from the class path. */
    public TorchGpuProvider() {
        this(GpuSettings.fromSystem(), CpuTwins::onClassPath);
    }

    public TorchGpuProvider(GpuSettings settings, Supplier<List<MemberRuntimeProvider>> twinRuntimes) {
        super(NAME, RANK, ModelFormats.TORCHSCRIPT, settings, twinRuntimes);
    }

    @Override
    protected Optional<String> libraryUnavailable() {
        if (EngineHolder.FAILURE.isPresent()) {
            return EngineHolder.FAILURE;
        }
        Engine engine = EngineHolder.engine();
        if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            return Optional.of("DJL's libtorch " + engine.getVersion() + " is a CPU build: put ai.djl.pytorch:pytorch-native-cu*"
                    + " (linux-x86_64, libtorch " + engine.getVersion() + ") on the class path instead of pytorch-native-cpu,"
                    + " or let DJL download one (-Dai.djl.offline=false)");
        }
        int devices = engine.getGpuCount();
        if (settings().device() >= devices) {
            return Optional.of("DJL's CUDA libtorch sees " + devices + " device(s); tutti.gpu.device=" + settings().device());
        }
        return Optional.empty();
    }

    @Override
    protected Member loadOnDevice(ModelSpec spec, int device) throws MemberException {
        return TorchGpuMember.load(spec, device);
    }

    @Override
    protected String describe(int device) {
        return "TorchScript module on CUDA device " + device;
    }

    /** Starts DJL's PyTorch engine on first use and remembers why it failed, if it did. */
    static final class EngineHolder {
        static final Optional<String> FAILURE = start();

        static Engine engine() {
            return Engine.getEngine(ENGINE);
        }

        private static Optional<String> start() {
            setDefault("ai.djl.offline", "true");
            setDefault("ai.djl.pytorch.num_threads", "1");
            setDefault("ai.djl.pytorch.num_interop_threads", "1");
            setDefault("ai.djl.pytorch.graph_optimizer", "false");
            try {
                engine();
                return Optional.empty();
            } catch (RuntimeException | LinkageError e) {
                return Optional.of("DJL's PyTorch engine did not start (a pytorch-native jar on the class path, or"
                        + " -Dai.djl.offline=false to download one, and DJL_CACHE_DIR writable?): " + e);
            }
        }

        private static void setDefault(String key, String value) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        }
    }
}
