package dev.tutti.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightGuardTest {
    private final AtomicInteger releases = new AtomicInteger();
    private final InFlightGuard guard = new InFlightGuard(releases::incrementAndGet);

    @Test
    void shouldReleaseAtOnceWhenNoCallIsRunning() {
        guard.close();
        guard.close();

        assertThat(releases).hasValue(1);
        assertThat(guard.enter()).as("a call after close is refused").isFalse();
    }

    @Test
    void shouldLeaveTheReleaseToTheLastRunningCall() {
        assertThat(guard.enter()).isTrue();
        assertThat(guard.enter()).isTrue();

        guard.close();
        assertThat(releases).as("two calls still running").hasValue(0);
        guard.exit();
        assertThat(releases).as("one call still running").hasValue(0);
        guard.exit();

        assertThat(releases).hasValue(1);
        assertThat(guard.closed()).isTrue();
    }

    @Test
    void shouldReleaseOnceAndNeverUnderARunningCallWhenCloseRacesWithCalls() throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger released = new AtomicInteger();
            List<String> violations = new ArrayList<>();
            InFlightGuard raced = new InFlightGuard(() -> {
                if (running.get() != 0) {
                    synchronized (violations) {
                        violations.add("released with " + running.get() + " calls running");
                    }
                }
                released.incrementAndGet();
            });
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    await(go);
                    for (int i = 0; i < 1_000 && raced.enter(); i++) {
                        running.incrementAndGet();
                        Thread.onSpinWait();
                        running.decrementAndGet();
                        raced.exit();
                    }
                }));
            }
            go.countDown();
            raced.close();
            for (Thread caller : callers) {
                caller.join();
            }

            assertThat(violations).isEmpty();
            assertThat(released).as("attempt %d", attempt).hasValue(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
