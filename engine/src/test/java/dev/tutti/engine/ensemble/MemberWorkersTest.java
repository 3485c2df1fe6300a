package dev.tutti.engine.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemberWorkersTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 200_000})
    void shouldRunEveryCallExactlyOnceOnTheWorkers(long spinNanos) throws Exception {
        MemberWorkers workers = new MemberWorkers("test-worker-", 2, spinNanos);
        try {
            int calls = 20_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(calls);
            Set<String> threadNames = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(calls);
            for (int i = 0; i < calls; i++) {
                int call = i;
                workers.execute(() -> {
                    runs.incrementAndGet(call);
                    threadNames.add(Thread.currentThread().getName());
                    done.countDown();
                });
                if (i % 64 == 0) {
                    Thread.sleep(0, 300_000); // let the workers go idle now and then: parked and spinning workers both take calls
                }
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < calls; i++) {
                assertThat(runs.get(i)).as("call %d", i).isEqualTo(1);
            }
            assertThat(threadNames).allMatch(n -> n.startsWith("test-worker-")).hasSizeBetween(1, 2);
        } finally {
            workers.shutdownNow();
        }
    }

    /** A call stuck on one worker leaves the others to the rest; the extra thread leaves once it is not wanted. */
    @ParameterizedTest
    @ValueSource(longs = {0, 200_000})
    void shouldAddAThreadForAStuckCallAndDropItWhenNoLongerWanted(long spinNanos) throws Exception {
        MemberWorkers workers = new MemberWorkers("test-worker-", 1, spinNanos);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch stuckStarted = new CountDownLatch(1);
            workers.execute(() -> {
                stuckStarted.countDown();
                await(release);
            });
            assertThat(stuckStarted.await(10, TimeUnit.SECONDS)).isTrue();
            workers.ensure(2); // one worker per member still busy, as the scorer asks
            assertThat(workers.threads()).isEqualTo(2);
            CountDownLatch others = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                workers.execute(others::countDown);
            }
            assertThat(others.await(10, TimeUnit.SECONDS)).as("calls behind a stuck one still run").isTrue();

            workers.ensure(1);
            release.countDown();
            assertThat(threadsAfterSettling(workers, 1)).as("the extra thread leaves when idle").isEqualTo(1);
            CountDownLatch after = new CountDownLatch(1);
            workers.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            workers.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 200_000})
    void shouldStopItsThreadsAndRefuseCallsAfterShutdown(long spinNanos) throws Exception {
        MemberWorkers workers = new MemberWorkers("test-worker-", 3, spinNanos);
        CountDownLatch ran = new CountDownLatch(1);
        workers.execute(ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();

        workers.shutdownNow();

        assertThat(threadsAfterSettling(workers, 0)).isZero();
        assertThatThrownBy(() -> workers.execute(() -> {})).isInstanceOf(IllegalStateException.class).hasMessageContaining("shut down");
    }

    /** The thread count once it fell to {@code expected}, or after 10 s (threads leave asynchronously). */
    private static int threadsAfterSettling(MemberWorkers workers, int expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (workers.threads() > expected && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        return workers.threads();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
