package dev.tutti.gpu;

import dev.tutti.engine.spi.MemberException;
import dev.tutti.gpu.cuda.Uninterruptibly;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread that makes every library call for a GPU device from the library runtimes
 * ({@code onnxruntime-cuda}, {@code djl-pytorch-gpu}): an engine worker hands its member's batch to
 * the device's thread and waits, so the calls reaching a device come from one thread in a fixed order
 * (the CUDA context and stream each library keeps per thread stay the same), while CPU members of the
 * same batch run on the other workers. The FFM backend's devices have their own thread
 * ({@code cuda.CudaDevice}).
 *
 * <p>Threads: {@link #call} from any thread; the device thread is a daemon made on first use and kept
 * for the life of the process. Allocation: a task and a future per call.
 */
public final class DeviceThread {
    private static final Map<Integer, DeviceThread> THREADS = new ConcurrentHashMap<>();

    private final ExecutorService executor;

    private DeviceThread(int device) {
        this.executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("tutti-gpu-" + device).unstarted(r));
    }

    /** The thread of device {@code device}. */
    public static DeviceThread of(int device) {
        return THREADS.computeIfAbsent(device, DeviceThread::new);
    }

    /** A call that may fail as a member does. */
    @FunctionalInterface
    public interface DeviceCall<T> {
        T run() throws MemberException;
    }

    /**
     * Runs {@code call} on the device's thread and waits for it; its {@link MemberException} or
     * runtime exception is rethrown here as it was thrown. An interrupt does not end the wait (see
     * {@link Uninterruptibly}): the call's result is returned and the interrupt status set again.
     */
    public <T> T call(DeviceCall<T> call) throws MemberException {
        Callable<T> task = call::run;
        Future<T> result = executor.submit(task);
        try {
            return Uninterruptibly.get(result);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MemberException m) {
                throw m;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new MemberException(String.valueOf(cause), cause);
        }
    }
}
