package dev.tutti.engine.ensemble;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The member worker threads of a {@link ConcurrentScorer}: one queue of member calls, taken by
 * whichever worker is free. Two things differ from a {@code ThreadPoolExecutor}, both for the
 * wake-ups that dominate small batches on machines with few virtual cores:
 *
 * <ul>
 *   <li>each call queued unparks one parked worker directly (a {@code LinkedBlockingQueue} wakes one
 *       taker, which wakes the next only after its own take);
 *   <li>a worker with nothing to do spins for {@code spinNanos} looking for the next call before it
 *       parks, so the calls of the next batch, dispatched while it spins, start at once.
 * </ul>
 *
 * The number of threads follows {@link #ensure}: the scorer asks for its workers plus one per
 * member still stuck in an earlier call; extra threads leave when they next find nothing to do.
 *
 * <p>Threads: {@link #execute}, {@link #ensure} and {@link #shutdownNow} from any thread (the
 * batch thread in practice). Ownership: owns its daemon threads. Allocation: a queue node per call
 * (the deque's array, reused), none otherwise.
 */
final class MemberWorkers {
    private final String namePrefix;
    private final long spinNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> calls = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Thread> parked = new ArrayDeque<>(); // guarded by lock
    private final List<Thread> threads = new ArrayList<>(); // guarded by lock
    private int wanted; // guarded by lock
    private int named; // guarded by lock
    /** Calls queued: read without the lock by spinning workers. */
    private volatile int queued;
    private volatile boolean stopped;

    MemberWorkers(String namePrefix, int workers, long spinNanos) {
        this.namePrefix = namePrefix;
        this.spinNanos = spinNanos;
        ensure(workers);
    }

    /** Keeps {@code count} threads: starts the missing ones now; extra ones leave when idle. */
    void ensure(int count) {
        lock.lock();
        try {
            wanted = count;
            while (!stopped && threads.size() < count) {
                Thread thread = Thread.ofPlatform().daemon().name(namePrefix + ++named).unstarted(this::work);
                threads.add(thread);
                thread.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues a call and wakes a parked worker, if any (a spinning one may take it first). */
    void execute(Runnable call) {
        Thread wake;
        lock.lock();
        try {
            if (stopped) {
                throw new IllegalStateException("the member workers were shut down");
            }
            calls.add(call);
            queued = calls.size();
            wake = parked.poll();
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
    }

    /** Threads alive now (for tests). */
    int threads() {
        lock.lock();
        try {
            return threads.size();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        Thread me = Thread.currentThread();
        try {
            while (!stopped) {
                Runnable call = next(me);
                if (call == null) {
                    return; // stopped, or one thread too many
                }
                try {
                    call.run();
                } catch (Throwable e) {
                    // MemberRunner reports its own failures; anything else must not kill the worker
                    me.getUncaughtExceptionHandler().uncaughtException(me, e);
                }
            }
        } finally {
            lock.lock();
            try {
                threads.remove(me);
                parked.remove(me);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The next call: spins up to {@code spinNanos} for one, then parks until woken; null when this thread should end. */
    private Runnable next(Thread me) {
        long spinUntil = System.nanoTime() + spinNanos;
        while (!stopped) {
            boolean spun = System.nanoTime() - spinUntil >= 0;
            if (queued == 0 && !spun) {
                Thread.onSpinWait();
                continue;
            }
            lock.lock();
            try {
                Runnable call = calls.poll();
                queued = calls.size();
                if (call != null) {
                    return call;
                }
                if (!spun) {
                    continue; // another worker took it: keep spinning
                }
                if (threads.size() > wanted) {
                    return null;
                }
                parked.add(me);
            } finally {
                lock.unlock();
            }
            LockSupport.park(this);
            lock.lock();
            try {
                parked.remove(me); // gone already when execute() woke this thread
            } finally {
                lock.unlock();
            }
            spinUntil = System.nanoTime() + spinNanos;
        }
        return null;
    }

    /** Stops every worker: idle ones at once, busy ones after their call (a stuck call is left to its daemon thread). */
    void shutdownNow() {
        lock.lock();
        try {
            stopped = true;
            calls.clear();
            queued = 0;
            for (Thread thread : threads) {
                thread.interrupt();
                LockSupport.unpark(thread);
            }
        } finally {
            lock.unlock();
        }
    }
}
