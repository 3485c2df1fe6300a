package dev.tutti.engine.serving;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.RuntimeStatus;
import java.util.Objects;

/**
 * Where a member that can move between runtimes (one implementing {@link RuntimeStatus}, such as a
 * GPU member with a CPU twin) is scoring, and how often it fell back, at the time of a
 * {@link ServiceMetrics} snapshot. A member bound to one runtime is {@link #FIXED}.
 *
 * @param switchable whether the member can move between runtimes (the other fields are zero for one that cannot)
 * @param activeRuntime the runtime scoring now, e.g. {@code cuda-ffm}, or empty
 * @param onFallback whether the fallback (the CPU twin) is serving in place of the primary runtime
 * @param fallbackBatches batches the fallback scored since load
 * @param primaryFailures times the primary runtime failed
 * @param recoveries times the primary runtime was brought back
 */
public record MemberRuntimeUse(boolean switchable, String activeRuntime, boolean onFallback, long fallbackBatches, long primaryFailures,
        long recoveries) {

    /** A member that always runs on the runtime that loaded it. */
    public static final MemberRuntimeUse FIXED = new MemberRuntimeUse(false, "", false, 0, 0, 0);

    public MemberRuntimeUse {
        Objects.requireNonNull(activeRuntime, "activeRuntime");
    }

    /** Reads {@code member}'s status now (without blocking it), or {@link #FIXED}. */
    public static MemberRuntimeUse of(Member member) {
        if (member instanceof RuntimeStatus status) {
            return new MemberRuntimeUse(true, status.activeRuntime(), status.onFallback(), status.fallbackBatches(),
                    status.primaryFailures(), status.recoveries());
        }
        return FIXED;
    }
}
