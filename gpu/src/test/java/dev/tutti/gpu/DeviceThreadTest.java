package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The library runtimes' device thread: calls in order on one thread, an interrupted caller still gets its result. */
class DeviceThreadTest {
    @Test
    void everyCallRunsOnTheDevicesOneThread() throws Exception {
        DeviceThread device = DeviceThread.of(41);
        assertThat(device.call(() -> Thread.currentThread().getName())).isEqualTo("tutti-gpu-41");
        assertThat(DeviceThread.of(41)).isSameAs(device);
    }

    @Test
    void anInterruptedCallerWaitsForItsCallAndKeepsTheInterrupt() throws Exception {
        DeviceThread device = DeviceThread.of(42);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                device.call(() -> {
                    holding.countDown();
                    Waits.awaitUninterruptibly(release);
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                outcome.set(device.call(() -> {
                    ran.set(true);
                    return "scored";
                }));
            } catch (Exception e) {
                outcome.set(e);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        Waits.interruptOnceWaiting(caller);
        assertThat(caller.isAlive()).as("still waiting for the device after the interrupt").isTrue();
        release.countDown();
        caller.join(10_000);
        holder.join(10_000);
        assertThat(outcome.get()).isEqualTo("scored");
        assertThat(ran.get()).isTrue();
        assertThat(interruptedAfter.get()).isTrue();
    }
}
