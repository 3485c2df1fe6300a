package dev.tutti.gpu.dense;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.NetworkOutput;
import dev.tutti.gpu.cuda.CudaApi;
import dev.tutti.gpu.cuda.CudaDevice;
import dev.tutti.gpu.cuda.CudaException;
import dev.tutti.gpu.cuda.Cublas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A dense network resident on a CUDA device. Weights and biases are uploaded once, at load, and the
 * layers run once on rows of zeros (a warm-up: the first use of a GEMM shape is slow). A batch
 * is scored on the device's thread: rows into a pinned host buffer, one async copy to the device,
 * per layer one cuBLAS SGEMM and one {@code bias_act} kernel (ping-ponging between two activation
 * buffers), one async copy back into pinned memory, one stream synchronisation; then the output rows
 * become the member's scores ({@link NetworkOutput}).
 *
 * <p>Threads: {@link #score} by one engine thread at a time (the member contract); it hands the work
 * to the device's thread and waits. Ownership: owns its device memory, pinned buffers and a reference
 * to the {@link CudaDevice}; {@link #close} frees them all. Allocation: a batch larger than any before
 * reallocates the activation and pinned buffers (on the device); otherwise a batch allocates only the
 * device task and a view of the input (with a feature encoding, run on the host first, a view of its
 * reused output).
 */
public final class GpuDenseMember implements Member {
    /** Runtime name in logs and status. */
    public static final String RUNTIME = "cuda-ffm";
    /** The batch sizes of the warm-up pass at load, ascending: a single row and a full default batch. */
    static final int[] WARM_UP_ROWS = {1, 256};

    private final ModelSpec spec;
    private final DenseNetwork network;
    private final NetworkOutput output;
    private final CudaDevice device;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] alphas;
    private final MemorySegment beta;
    private final long[] weights;
    private final long[] biases;
    private int capacity;
    private long input;
    private long activationA;
    private long activationB;
    private MemorySegment pinnedIn;
    private MemorySegment pinnedOut;
    /** {@link #pinnedOut} as a native-order byte buffer, the form {@link NetworkOutput} reads. */
    private ByteBuffer pinnedOutBytes;
    private volatile boolean closed;

    private GpuDenseMember(ModelSpec spec, DenseNetwork network, NetworkOutput output, CudaDevice device) {
        this.spec = spec;
        this.network = network;
        this.output = output;
        this.device = device;
        int layers = network.layers().size();
        this.alphas = new MemorySegment[layers];
        for (int i = 0; i < layers; i++) {
            alphas[i] = arena.allocateFrom(JAVA_FLOAT, network.layers().get(i).alpha());
        }
        this.beta = arena.allocateFrom(JAVA_FLOAT, 0f);
        this.weights = new long[layers];
        this.biases = new long[layers];
    }

    /**
     * Opens (or shares) device {@code ordinal} and uploads {@code network}'s weights.
     *
     * @throws MemberException when a CUDA call fails; nothing stays allocated
     */
    public static GpuDenseMember load(ModelSpec spec, CudaApi api, int ordinal, DenseNetwork network, NetworkOutput output)
            throws MemberException {
        CudaDevice device;
        try {
            device = CudaDevice.acquire(api, ordinal);
        } catch (CudaException e) {
            throw new MemberException("member " + spec.pin() + ": CUDA device " + ordinal + " cannot be opened: " + e.getMessage(), e);
        }
        GpuDenseMember member = new GpuDenseMember(spec, network, output, device);
        atLoad(member, member::upload, "uploading the weights to CUDA device " + ordinal);
        atLoad(member, member::warmUp, "its warm-up pass on CUDA device " + ordinal);
        return member;
    }

    /** Runs a load step on the device thread; when it fails, frees the member and says which step. */
    private static void atLoad(GpuDenseMember member, CudaDevice.DeviceTask<Void> step, String what) throws MemberException {
        try {
            member.device.call(step);
        } catch (CudaException e) {
            member.close();
            throw new MemberException("member " + member.spec.pin() + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the layers once at each of {@link #WARM_UP_ROWS} rows of zeros, so that the first requests do
     * not pay for what the driver and cuBLAS do on first use (loading the GEMM kernels they pick for a
     * shape: on an H100 the first call took over 25 ms, a request deadline of the default tier).
     */
    private Void warmUp() {
        int most = WARM_UP_ROWS[WARM_UP_ROWS.length - 1];
        try (Arena zeros = Arena.ofConfined()) {
            MemorySegment rows = zeros.allocate((long) most * network.layerInputs() * Float.BYTES);
            for (int n : WARM_UP_ROWS) {
                run(rows, n);
            }
        }
        return null;
    }

    private Void upload() {
        for (int i = 0; i < weights.length; i++) {
            DenseLayer layer = network.layers().get(i);
            weights[i] = device.alloc((long) layer.weights().length * Float.BYTES);
            biases[i] = device.alloc((long) layer.bias().length * Float.BYTES);
            // weights go through one pinned staging buffer, synchronised before it is freed
            long bytes = (long) Math.max(layer.weights().length, layer.bias().length) * Float.BYTES;
            MemorySegment staging = device.allocPinned(bytes);
            try {
                MemorySegment.copy(layer.weights(), 0, staging, JAVA_FLOAT, 0, layer.weights().length);
                device.upload(weights[i], staging, (long) layer.weights().length * Float.BYTES);
                device.synchronize();
                MemorySegment.copy(layer.bias(), 0, staging, JAVA_FLOAT, 0, layer.bias().length);
                device.upload(biases[i], staging, (long) layer.bias().length * Float.BYTES);
                device.synchronize();
            } finally {
                device.freePinned(staging);
            }
        }
        return null;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** The network this member runs. */
    public DenseNetwork network() {
        return network;
    }

    /** The device it lives on. */
    public CudaDevice device() {
        return device;
    }

    @Override
    public void score(FloatBuffer in, int rows, MemberOutput out) throws MemberException {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        FloatBuffer design = network.encoding() != null ? network.encoding().apply(in, rows) : in.slice(0, rows * network.layerInputs());
        MemorySegment rowsIn = MemorySegment.ofBuffer(design);
        try {
            device.call(() -> {
                run(rowsIn, rows);
                return null;
            });
        } catch (CudaException e) {
            throw new MemberException("member " + spec.pin() + ": CUDA device " + device.ordinal() + " failed on a batch of " + rows
                    + " rows: " + e.getMessage(), e);
        }
        // the outputs are in pinned host memory, synchronised: read them here, off the device thread
        if (network.softmax()) {
            softmaxRows(pinnedOut, rows, network.outputs());
        }
        output.write(pinnedOutBytes, rows, out);
    }

    /** One batch, on the device thread, into {@link #pinnedOut}. */
    private void run(MemorySegment rowsIn, int rows) {
        ensureCapacity(rows);
        long inBytes = (long) rows * network.layerInputs() * Float.BYTES;
        MemorySegment.copy(rowsIn, 0, pinnedIn, 0, inBytes);
        device.upload(input, pinnedIn, inBytes);
        long last = enqueueLayers(rows);
        device.download(pinnedOut, last, (long) rows * network.outputs() * Float.BYTES);
        device.synchronize();
    }

    /** Queues every layer over the uploaded {@code rows}; returns the device buffer holding the last layer's output. */
    private long enqueueLayers(int rows) {
        long x = input;
        long y = activationA;
        for (int i = 0; i < weights.length; i++) {
            DenseLayer layer = network.layers().get(i);
            // row-major Y[rows, out] = X[rows, in] W^T  ==  column-major Y^T = op_T(W) X^T
            device.sgemm(Cublas.OP_T, Cublas.OP_N, layer.outputs(), rows, layer.inputs(), alphas[i], weights[i], layer.inputs(),
                    x, layer.inputs(), beta, y, layer.outputs());
            device.biasActivation(y, biases[i], rows, layer.outputs(), layer.activation().code());
            x = y;
            y = y == activationA ? activationB : activationA;
        }
        return x;
    }

    /**
     * Where a batch's time goes, for benchmarks: each phase of {@link #score} for {@code rows} rows of
     * {@code in} (already encoded: the layers' input width), repeated {@code repeats} times back to back
     * and then synchronised, in microseconds per repeat. Queuing the layers back to back hides the host's
     * launch cost behind the device's work where the device is the slower, so {@code layers} is the
     * device's time for them, as a PyTorch loop timed the same way measures its own.
     */
    public PhaseTimes timePhases(FloatBuffer in, int rows, int repeats) {
        MemorySegment rowsIn = MemorySegment.ofBuffer(in.slice(0, rows * network.layerInputs()));
        return device.call(() -> {
            ensureCapacity(rows);
            long inBytes = (long) rows * network.layerInputs() * Float.BYTES;
            long outBytes = (long) rows * network.outputs() * Float.BYTES;
            long t0 = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                MemorySegment.copy(rowsIn, 0, pinnedIn, 0, inBytes);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                device.upload(input, pinnedIn, inBytes);
            }
            device.synchronize();
            long t2 = System.nanoTime();
            long last = input;
            for (int i = 0; i < repeats; i++) {
                last = enqueueLayers(rows);
            }
            device.synchronize();
            long t3 = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                device.download(pinnedOut, last, outBytes);
            }
            device.synchronize();
            long t4 = System.nanoTime();
            double per = 1e3 * repeats;
            return new PhaseTimes((t1 - t0) / per, (t2 - t1) / per, (t3 - t2) / per, (t4 - t3) / per);
        });
    }

    /**
     * Microseconds per batch of each phase, from {@link #timePhases}.
     *
     * @param staging copying the rows into pinned host memory (host)
     * @param upload the host-to-device copy
     * @param layers every layer's SGEMM and bias/activation kernel
     * @param download the device-to-host copy of the output
     */
    public record PhaseTimes(double staging, double upload, double layers, double download) {}

    /** The network's own final softmax, in place over each row, in double, rounded to float as ONNX Runtime's output is. */
    private static void softmaxRows(MemorySegment values, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            long base = (long) r * columns;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < columns; k++) {
                max = Math.max(max, values.getAtIndex(JAVA_FLOAT, base + k));
            }
            double sum = 0;
            for (int k = 0; k < columns; k++) {
                sum += Math.exp(values.getAtIndex(JAVA_FLOAT, base + k) - max);
            }
            for (int k = 0; k < columns; k++) {
                values.setAtIndex(JAVA_FLOAT, base + k, (float) (Math.exp(values.getAtIndex(JAVA_FLOAT, base + k) - max) / sum));
            }
        }
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        freeBatchBuffers();
        int grown = Math.max(rows, 2 * capacity);
        input = device.alloc((long) grown * network.layerInputs() * Float.BYTES);
        activationA = device.alloc((long) grown * network.widest() * Float.BYTES);
        activationB = device.alloc((long) grown * network.widest() * Float.BYTES);
        pinnedIn = device.allocPinned((long) grown * network.layerInputs() * Float.BYTES);
        pinnedOut = device.allocPinned((long) grown * network.outputs() * Float.BYTES);
        pinnedOutBytes = pinnedOut.asByteBuffer().order(ByteOrder.nativeOrder());
        capacity = grown;
    }

    private void freeBatchBuffers() {
        capacity = 0;
        if (input != 0) {
            device.free(input);
            input = 0;
        }
        if (activationA != 0) {
            device.free(activationA);
            activationA = 0;
        }
        if (activationB != 0) {
            device.free(activationB);
            activationB = 0;
        }
        if (pinnedIn != null) {
            device.freePinned(pinnedIn);
            pinnedIn = null;
        }
        if (pinnedOut != null) {
            device.freePinned(pinnedOut);
            pinnedOut = null;
            pinnedOutBytes = null;
        }
    }

    private Void freeAll() {
        freeBatchBuffers();
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != 0) {
                device.free(weights[i]);
                weights[i] = 0;
            }
            if (biases[i] != 0) {
                device.free(biases[i]);
                biases[i] = 0;
            }
        }
        return null;
    }

    /** Frees the device memory and pinned buffers and releases the device; failures to free are not thrown. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            device.call(this::freeAll);
        } catch (CudaException e) {
            System.getLogger(GpuDenseMember.class.getName()).log(System.Logger.Level.WARNING,
                    "member {0}: freeing its CUDA memory failed: {1}", spec.pin(), e.getMessage());
        } finally {
            device.release();
            arena.close();
        }
    }
}
