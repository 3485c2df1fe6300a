package dev.tutti.gpu;

import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelSpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Wraps a freshly loaded GPU member with its CPU twin: the same model loaded by the best available CPU
 * runtime (rank at most {@value #CPU_RANK}), found over {@link MemberRuntimes}, so the GPU module never
 * depends on a CPU runtime's classes. Member option {@code gpu.twin=none} loads no twin.
 *
 * <p>Threads: stateless; called by providers' {@code load}, which may run concurrently.
 */
public final class CpuTwins {
    /** The rank of the CPU runtimes: twins come only from runtimes ranked this or lower. */
    public static final int CPU_RANK = 100;

    private static final Logger LOG = System.getLogger(CpuTwins.class.getName());

    private CpuTwins() {}

    /** The CPU runtimes on the class path ({@link ServiceLoader}), where twins come from by default. */
    public static List<MemberRuntimeProvider> onClassPath() {
        List<MemberRuntimeProvider> found = new ArrayList<>();
        for (MemberRuntimeProvider p : ServiceLoader.load(MemberRuntimeProvider.class)) {
            if (p.rank() <= CPU_RANK) {
                found.add(p);
            }
        }
        return found;
    }

    /**
     * The GPU member {@code loader} loads, wrapped with its CPU twin (or with none, logged, when no CPU
     * runtime can load the model or the spec says {@code gpu.twin=none}).
     *
     * @param gpuRuntime the GPU runtime's name, for logs and {@code RuntimeStatus}
     * @param describe what the log line says about the GPU member (device, layers)
     */
    public static TwinFallbackMember wrap(ModelSpec spec, String gpuRuntime, TwinFallbackMember.GpuLoader loader,
            Supplier<List<MemberRuntimeProvider>> cpuRuntimes, Duration retryAfter, String describe) throws MemberException {
        Member gpu = loader.load();
        Member twin = null;
        String twinRuntime = "none";
        try {
            if (!spec.option("gpu.twin", "auto").equals("none")) {
                List<MemberRuntimeProvider> cpu = cpuRuntimes.get().stream().filter(p -> p.rank() <= CPU_RANK).toList();
                MemberRuntimes runtimes = new MemberRuntimes(cpu);
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
        LOG.log(Level.INFO, "member {0}: {1} ({2}); CPU twin: {3}", spec.pin(), describe, gpuRuntime, twinRuntime);
        return new TwinFallbackMember(spec, gpuRuntime, gpu, loader, twin, twinRuntime, retryAfter, System::nanoTime);
    }
}
