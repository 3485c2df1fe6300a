package dev.tutti.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One CUDA device as Tutti uses it: its primary context, one non-blocking stream, one cuBLAS handle
 * bound to that stream, the {@code bias_act} kernel, and the <b>one thread</b> that owns them all.
 * Every CUDA call for this device runs on that thread ({@link #call}); the context is made current
 * there once, so no other thread ever needs it, and work from several members is serialised on the
 * stream in the order it was handed over.
 *
 * <p>Lifetime: shared, reference-counted. {@link #acquire} returns the live device for
 * (libraries, ordinal) or opens a new one; {@link #release} drops a reference and the last one
 * destroys the handle, stream and module, releases the primary context and stops the thread. A
 * device on which a call failed is {@linkplain #broken() broken}: it is handed to no new user, and the
 * next {@link #acquire} after its last release opens a fresh one (how the GPU is probed again).
 *
 * <p>Threads: {@link #acquire}, {@link #release} and {@link #call} from any thread; the methods that
 * issue CUDA calls ({@link #alloc}, {@link #sgemm}, ...) only from inside a {@link #call}.
 * Allocation: {@link #call} allocates a task and its future; the per-batch CUDA calls allocate nothing.
 */
public final class CudaDevice {
    private static final Logger LOG = System.getLogger(CudaDevice.class.getName());
    private static final int THREADS_PER_BLOCK = 256;
    private static final Map<Key, CudaDevice> LIVE = new HashMap<>();

    private record Key(CudaApi api, int ordinal) {}

    /** Work run on the device thread. */
    @FunctionalInterface
    public interface DeviceTask<T> {
        T run();
    }

    private final CudaApi api;
    private final int ordinal;
    private final ExecutorService thread;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment kernelParams;
    private final MemorySegment argY;
    private final MemorySegment argB;
    private final MemorySegment argN;
    private final MemorySegment argCols;
    private final MemorySegment argAct;
    private int device;
    private String name;
    private MemorySegment context;
    private MemorySegment stream;
    private MemorySegment cublas;
    private MemorySegment module;
    private MemorySegment biasAct;
    private int references;
    private volatile boolean broken;
    private volatile Thread owner;

    private CudaDevice(CudaApi api, int ordinal) {
        this.api = api;
        this.ordinal = ordinal;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tutti-gpu-" + ordinal);
            t.setDaemon(true);
            return t;
        });
        argY = arena.allocate(JAVA_LONG);
        argB = arena.allocate(JAVA_LONG);
        argN = arena.allocate(JAVA_INT);
        argCols = arena.allocate(JAVA_INT);
        argAct = arena.allocate(JAVA_INT);
        kernelParams = arena.allocate(ADDRESS, 5);
        MemorySegment[] args = {argY, argB, argN, argCols, argAct};
        for (int i = 0; i < args.length; i++) {
            kernelParams.setAtIndex(ADDRESS, i, args[i]);
        }
    }

    /**
     * The live device {@code ordinal} of {@code api}, opened (context, stream, cuBLAS handle, kernel) if
     * there is none; the caller must {@link #release} it.
     *
     * @throws CudaException when the device cannot be opened (nothing is left allocated)
     */
    public static synchronized CudaDevice acquire(CudaApi api, int ordinal) {
        Key key = new Key(api, ordinal);
        CudaDevice live = LIVE.get(key);
        if (live == null || live.broken) {
            live = new CudaDevice(api, ordinal);
            try {
                live.call(live::open);
            } catch (CudaException e) {
                live.shutDown();
                if (CudaDriver.isSticky(e.code())) {
                    // measured on an H100 (driver 580): after such a fault even cuDevicePrimaryCtxReset_v2 leaves
                    // cuDevicePrimaryCtxRetain failing with the same error; only a new process gets a working context
                    throw e.withDetail(": a sticky error left by an earlier fault; CUDA cannot be used again by this process, "
                            + "restart it to use the GPU (the CPU twins serve until then)");
                }
                throw e;
            } catch (RuntimeException | Error e) {
                live.shutDown();
                throw e;
            }
            LIVE.put(key, live);
        }
        live.references++;
        return live;
    }

    /** Drops one reference; the last one closes the device. */
    public void release() {
        synchronized (CudaDevice.class) {
            if (--references > 0) {
                return;
            }
            LIVE.remove(new Key(api, ordinal), this);
        }
        shutDown();
    }

    private Void open() {
        CudaDriver driver = api.driver();
        owner = Thread.currentThread();
        device = driver.device(ordinal);
        name = driver.deviceName(device);
        context = driver.retainPrimaryContext(device);
        try {
            driver.setCurrent(context);
            stream = driver.createStream(CudaDriver.STREAM_NON_BLOCKING);
            cublas = api.cublas().create();
            api.cublas().setStream(cublas, stream);
            try (Arena image = Arena.ofConfined()) {
                module = driver.loadModule(image.allocateFrom(kernelSource()));
            }
            biasAct = driver.function(module, "bias_act");
            // a context poisoned by an earlier fault fails here at the latest (see acquire)
            driver.synchronize(stream);
        } catch (RuntimeException e) {
            destroy();
            throw e;
        }
        LOG.log(Level.DEBUG, "CUDA device {0} ({1}) opened on thread {2}", ordinal, name, owner.getName());
        return null;
    }

    /** Frees what {@link #open} made, in reverse order, on the device thread; failures are logged, not thrown. */
    private Void destroy() {
        CudaDriver driver = api.driver();
        if (module != null) {
            quietly("cuModuleUnload", () -> driver.unloadModule(module));
            module = null;
        }
        if (cublas != null) {
            quietly("cublasDestroy_v2", () -> api.cublas().destroy(cublas));
            cublas = null;
        }
        if (stream != null) {
            quietly("cuStreamDestroy_v2", () -> driver.destroyStream(stream));
            stream = null;
        }
        if (context != null) {
            quietly("cuDevicePrimaryCtxRelease_v2", () -> driver.releasePrimaryContext(device));
            context = null;
        }
        return null;
    }

    private void shutDown() {
        try {
            if (context != null) {
                call(this::destroy);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "CUDA device {0}: closing failed: {1}", ordinal, e.toString());
        } finally {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.log(Level.WARNING, "CUDA device {0}: its thread did not stop within 10 s", ordinal);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            arena.close();
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "{0} while closing a CUDA device: {1}", what, e.getMessage());
        }
    }

    /**
     * Runs {@code task} on the device thread and waits for it. Called from the device thread itself, runs it inline.
     * A {@link CudaException} marks the device broken (work is still run on a broken device, so that its
     * users can free what they hold). An interrupt does not end the wait (see {@link Uninterruptibly}):
     * the task's result is returned and the caller's interrupt status is set again.
     *
     * @throws CudaException what the task threw
     */
    public <T> T call(DeviceTask<T> task) {
        if (Thread.currentThread() == owner) {
            return guarded(task);
        }
        Future<T> future = thread.submit(() -> guarded(task));
        try {
            return Uninterruptibly.get(future);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new CudaException("device " + ordinal, e.getCause());
        }
    }

    private <T> T guarded(DeviceTask<T> task) {
        try {
            return task.run();
        } catch (CudaException e) {
            broken = true;
            throw e;
        }
    }

    /** Whether a CUDA call on this device failed; a broken device is not handed to new users. */
    public boolean broken() {
        return broken;
    }

    public int ordinal() {
        return ordinal;
    }

    /** The device's name as the driver reports it. */
    public String name() {
        return name;
    }

    public CudaApi api() {
        return api;
    }

    // ----- CUDA work: only inside call() -----

    public long alloc(long bytes) {
        return api.driver().memAlloc(bytes);
    }

    public void free(long devicePointer) {
        api.driver().memFree(devicePointer);
    }

    public MemorySegment allocPinned(long bytes) {
        return api.driver().memAllocHost(bytes);
    }

    public void freePinned(MemorySegment host) {
        api.driver().memFreeHost(host);
    }

    public void upload(long device, MemorySegment host, long bytes) {
        api.driver().copyHostToDeviceAsync(device, host, bytes, stream);
    }

    public void download(MemorySegment host, long device, long bytes) {
        api.driver().copyDeviceToHostAsync(host, device, bytes, stream);
    }

    /** Column-major sgemm on the device's stream (see {@link Cublas}). */
    public void sgemm(int transa, int transb, int m, int n, int k, MemorySegment alpha, long a, int lda, long b, int ldb,
            MemorySegment beta, long c, int ldc) {
        api.cublas().sgemm(cublas, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /** Queues {@code y[i] = act(y[i] + bias[i % cols])} over {@code rows x cols} floats on the device's stream. */
    public void biasActivation(long y, long bias, int rows, int cols, int activation) {
        int n = Math.multiplyExact(rows, cols);
        argY.set(JAVA_LONG, 0, y);
        argB.set(JAVA_LONG, 0, bias);
        argN.set(JAVA_INT, 0, n);
        argCols.set(JAVA_INT, 0, cols);
        argAct.set(JAVA_INT, 0, activation);
        int blocks = (n + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
        api.driver().launch(biasAct, blocks, THREADS_PER_BLOCK, stream, kernelParams);
    }

    /** Waits until everything queued on the stream is done. */
    public void synchronize() {
        api.driver().synchronize(stream);
    }

    static String kernelSource() {
        try (InputStream in = CudaDevice.class.getResourceAsStream("bias_act.ptx")) {
            if (in == null) {
                throw new IllegalStateException("bias_act.ptx is missing from the tutti-gpu jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
