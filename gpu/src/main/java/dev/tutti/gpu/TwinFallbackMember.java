package dev.tutti.gpu;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.RuntimeStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A GPU member with its CPU twin (the same model loaded by the next-ranked CPU runtime). Batches go to
 * the GPU; when it fails (any CUDA error, a lost device) the <b>same batch</b> is scored by the twin,
 * so no request fails, and the following batches stay on the twin. After a back-off (doubling from
 * {@code retryAfter} up to 16x while failures repeat) the GPU member is reloaded (fresh device state,
 * weights uploaded again) and tried on the next batch; a batch that succeeds there brings it back.
 * {@link RuntimeStatus} counts all of this for the engine's reports.
 *
 * <p>Without a twin (none could be loaded) a GPU failure is thrown as a {@link MemberException}, as
 * from any member, and the engine drops the member for that batch.
 *
 * <p>Threads: {@link #score} by one engine thread at a time; the {@link RuntimeStatus} getters from
 * any thread. Ownership: owns the GPU member (closing and reloading it) and the twin. Allocation:
 * none per batch of its own.
 */
public final class TwinFallbackMember implements Member, RuntimeStatus {
    private static final Logger LOG = System.getLogger(TwinFallbackMember.class.getName());
    private static final int MAX_BACKOFF_FACTOR = 16;

    /** Loads a fresh GPU member (the first one, and each retry). */
    @FunctionalInterface
    public interface GpuLoader {
        Member load() throws MemberException;
    }

    private final ModelSpec spec;
    private final String gpuRuntime;
    private final String twinRuntime;
    private final GpuLoader loader;
    private final Member twin;
    private final Duration retryAfter;
    private final LongSupplier clock;
    private final AtomicLong fallbackBatches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private Member gpu;
    private volatile boolean onTwin;
    private long retryAt;
    private int backoffFactor = 1;
    private boolean probing;
    private volatile boolean closed;

    /**
     * @param gpu the loaded GPU member
     * @param loader loads a fresh GPU member when the GPU is tried again
     * @param twin the CPU twin, or null when there is none
     * @param clock nanosecond time source (tests pass their own)
     */
    public TwinFallbackMember(ModelSpec spec, String gpuRuntime, Member gpu, GpuLoader loader, Member twin, String twinRuntime,
            Duration retryAfter, LongSupplier clock) {
        this.spec = spec;
        this.gpuRuntime = gpuRuntime;
        this.gpu = gpu;
        this.loader = loader;
        this.twin = twin;
        this.twinRuntime = twinRuntime;
        this.retryAfter = retryAfter;
        this.clock = clock;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** The GPU member it wraps (null while a reload has failed), for this package's benchmarks. */
    Member gpuMember() {
        return gpu;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        if (onTwin && clock.getAsLong() - retryAt >= 0) {
            tryGpuAgain();
        }
        if (!onTwin) {
            try {
                gpu.score(input, rows, out);
                if (probing) {
                    probing = false;
                    backoffFactor = 1;
                    recoveries.incrementAndGet();
                    LOG.log(Level.INFO, "member {0}: runtime {1} is back after a failure; the CPU twin stands by", spec.pin(), gpuRuntime);
                }
                return;
            } catch (MemberException | RuntimeException e) {
                gpuFailed(e);
                if (twin == null) {
                    throw e instanceof MemberException m ? m : new MemberException("member " + spec.pin() + ": " + e, e);
                }
            }
        }
        if (twin == null) {
            throw new MemberException("member " + spec.pin() + ": the GPU failed and there is no CPU twin; next GPU try in "
                    + Duration.ofNanos(retryAt - clock.getAsLong()).toMillis() + " ms");
        }
        twin.score(input, rows, out);
        fallbackBatches.incrementAndGet();
    }

    private void gpuFailed(Exception e) {
        failures.incrementAndGet();
        probing = false;
        onTwin = true;
        retryAt = clock.getAsLong() + retryAfter.toNanos() * backoffFactor;
        LOG.log(Level.WARNING, "member {0}: runtime {1} failed ({2}); {3} serves it until the GPU is tried again in {4} ms",
                spec.pin(), gpuRuntime, e.getMessage(), twin == null ? "nothing" : "CPU twin " + twinRuntime,
                retryAfter.toMillis() * backoffFactor);
        backoffFactor = Math.min(backoffFactor * 2, MAX_BACKOFF_FACTOR);
        closeGpu();
    }

    private void tryGpuAgain() {
        try {
            gpu = loader.load();
        } catch (MemberException | RuntimeException e) {
            gpuFailed(e);
            return;
        }
        onTwin = false;
        probing = true; // a recovery counts once a batch succeeds on the reloaded member
    }

    private void closeGpu() {
        Member failed = gpu;
        gpu = null;
        if (failed != null) {
            try {
                failed.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "member {0}: closing the failed GPU member: {1}", spec.pin(), e.toString());
            }
        }
    }

    @Override
    public String activeRuntime() {
        return onTwin ? twinRuntime : gpuRuntime;
    }

    @Override
    public boolean onFallback() {
        return onTwin;
    }

    @Override
    public long fallbackBatches() {
        return fallbackBatches.get();
    }

    @Override
    public long primaryFailures() {
        return failures.get();
    }

    @Override
    public long recoveries() {
        return recoveries.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeGpu();
        if (twin != null) {
            twin.close();
        }
    }
}
