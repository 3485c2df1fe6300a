package dev.tutti.batching;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * How the batcher thread waits for rows. On machines with few cores, spinning threads steal the
 * cores the members need and a cross-core wake-up costs ~100 us either way, so the default blocks
 * (see docs/architecture.md); spinning strategies are for hosts with a core to spare per batcher.
 */
public enum WaitStrategyKind {
    /** Lock and condition; producers signal. The default. */
    BLOCKING,
    /** Like {@link #BLOCKING} but producers signal only when the batcher is actually waiting. */
    LITE_BLOCKING,
    /** Spin, then yield, then park for short sleeps: low CPU, latency in the tens of microseconds. */
    SLEEPING,
    /** Spin then {@code Thread.yield()}: needs a spare core. */
    YIELDING,
    /** Spin: needs a dedicated core; collapses when threads outnumber cores. */
    BUSY_SPIN;

    WaitStrategy create() {
        return switch (this) {
            case BLOCKING -> new BlockingWaitStrategy();
            case LITE_BLOCKING -> new LiteBlockingWaitStrategy();
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }
}
