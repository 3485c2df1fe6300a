package dev.tutti.gpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Thread choreography for the tests of an interrupted wait for a device thread. */
final class Waits {
    private Waits() {}

    /** Waits for {@code latch} whatever interrupts come: the test releases it. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting
            }
        }
    }

    /** Interrupts {@code thread} once it waits (at most 10 s from now), then gives it 50 ms to react. */
    static void interruptOnceWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        thread.interrupt();
        Thread.sleep(50);
    }
}
