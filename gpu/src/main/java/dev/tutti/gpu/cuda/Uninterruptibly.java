package dev.tutti.gpu.cuda;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waits for work handed to a device's thread without giving up on an interrupt. Device work is short
 * and cannot be stopped half way: a caller that returned early would leave the device thread using
 * the caller's buffers (and the member's memory, which the caller may free next) and would report a
 * healthy device as failed. So the wait goes on and the interrupt is kept for the caller to see after.
 *
 * <p>Threads: any. Allocation: none.
 */
public final class Uninterruptibly {
    private Uninterruptibly() {}

    /** {@link Future#get()}, waited out through interrupts; the thread's interrupt status is set again after one. */
    public static <T> T get(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
