package dev.tutti.gpu.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tutti.engine.spi.InFlightGuard;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.NetworkOutput;
import dev.tutti.engine.spi.TensorContracts;
import dev.tutti.gpu.DeviceThread;
import dev.tutti.gpu.HostRows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model in an ONNX Runtime session with the CUDA execution provider on one device: the
 * weights stay on the GPU; per batch, the rows go up and the output comes back. The graph contract
 * is the CPU runtime's ({@link TensorContracts}, {@link NetworkOutput}; options {@code input},
 * {@code output}, {@code transform}). Nodes the CUDA provider lacks run on ONNX Runtime's CPU
 * provider inside the same session (ONNX Runtime places them itself).
 *
 * <p>Threads: {@link #score} by one engine thread at a time; the session runs on the device's
 * {@link DeviceThread}. Ownership: owns its session, options and {@link HostRows}, freed by
 * {@link #close}. Allocation per batch: the input and output tensors and ONNX Runtime's result
 * objects (ONNX Runtime's Java API), the output copy, the device-thread task.
 */
public final class OrtCudaMember implements Member {
    private final ModelSpec spec;
    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final Set<String> requested;
    private final NetworkOutput output;
    private final DeviceThread device;
    private final InFlightGuard guard;
    private final HostRows input = new HostRows();

    private OrtCudaMember(ModelSpec spec, OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
            String inputName, String outputName, NetworkOutput output, DeviceThread device) {
        this.spec = spec;
        this.environment = environment;
        this.options = options;
        this.session = session;
        this.inputName = inputName;
        this.requested = Set.of(outputName);
        this.output = output;
        this.device = device;
        this.guard = new InFlightGuard(() -> closeQuietly(session, options));
    }

    /**
     * Loads the model on CUDA device {@code cudaDevice}; with {@code cudaDevice} -1 the session gets no
     * CUDA provider (tests run the member's own code this way on machines without a GPU).
     */
    public static OrtCudaMember load(ModelSpec spec, int cudaDevice) throws MemberException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            if (cudaDevice >= 0) {
                options.addCUDA(cudaDevice);
            }
            options.setIntraOpNumThreads(1); // for the nodes left on the CPU; more threads spin and collapse on small hosts
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(spec.artifact().toString(), options);
            String in = TensorContracts.pick(spec, "input", session.getInputInfo().keySet());
            String out = TensorContracts.pick(spec, "output", session.getOutputInfo().keySet());
            TensorContracts.checkInput(spec, in, floatShape(spec, session.getInputInfo().get(in)));
            NetworkOutput output = NetworkOutput.of(spec, TensorContracts.columns(spec, out, floatShape(spec, session.getOutputInfo().get(out))));
            return new OrtCudaMember(spec, environment, options, session, in, out, output, DeviceThread.of(Math.max(cudaDevice, 0)));
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime cannot load " + spec.artifact()
                    + (cudaDevice >= 0 ? " with the CUDA provider on device " + cudaDevice : "") + ": " + e.getMessage(), e);
        } catch (MemberException | RuntimeException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    private static long[] floatShape(ModelSpec spec, NodeInfo node) throws MemberException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new MemberException("member " + spec.pin() + ": tensor '" + node.getName() + "' must be float32, not " + node.getInfo());
        }
        return info.getShape();
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer rows, int count, MemberOutput out) throws MemberException {
        if (!guard.enter()) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        try {
            int floats = count * spec.schema().width();
            input.copy(rows, floats);
            FloatBuffer batch = input.floats(floats);
            device.call(() -> run(batch, count, out));
        } finally {
            guard.exit();
        }
    }

    private Void run(FloatBuffer batch, int count, MemberOutput out) throws MemberException {
        try (OnnxTensor x = OnnxTensor.createTensor(environment, batch, new long[] {count, spec.schema().width()});
                OrtSession.Result result = session.run(Map.of(inputName, x), requested)) {
            ByteBuffer values = ((OnnxTensor) result.get(0)).getByteBuffer().order(ByteOrder.nativeOrder());
            output.write(values, count, out);
            return null;
        } catch (OrtException e) {
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime (CUDA) failed on a batch of " + count + " rows: "
                    + e.getMessage(), e);
        }
    }

    /** Frees the session now, or when a scoring call still running returns. */
    @Override
    public void close() {
        guard.close();
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            // nothing left to do with a session that fails to close
        }
        options.close();
    }
}
