package dev.tutti.cpu.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tutti.cpu.common.NetworkOutput;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model in an ONNX Runtime CPU session. The graph must take one float32 input
 * {@code [batch, features]} and give a float32 output {@code [batch, columns]} or {@code [batch]}
 * (see {@link NetworkOutput}). Spec options: {@code input} and {@code output} name the tensors when
 * the graph has several; {@code transform} (none, sigmoid, softmax); {@code intraOpThreads} (default 1).
 *
 * <p>Threads: one scoring thread at a time (the engine's contract); ONNX Runtime sessions are
 * thread-safe anyway. Ownership: owns its session and options, freed by {@link #close}. Allocation:
 * the input is wrapped without copying (direct native-order buffer); ONNX Runtime's Java API
 * allocates a result object and copies the output per call.
 */
final class OnnxMember implements Member {
    private final ModelSpec spec;
    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final Set<String> outputNames;
    private final NetworkOutput output;
    private final long[] shape;
    private volatile boolean closed;

    private OnnxMember(ModelSpec spec, OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
            String inputName, String outputName, NetworkOutput output) {
        this.spec = spec;
        this.environment = environment;
        this.options = options;
        this.session = session;
        this.inputName = inputName;
        this.outputNames = Set.of(outputName);
        this.output = output;
        this.shape = new long[] {0, spec.schema().width()};
    }

    static OnnxMember load(ModelSpec spec) throws MemberException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            int threads = Integer.parseInt(spec.option("intraOpThreads", "1"));
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            session = environment.createSession(spec.artifact().toString(), options);
            String input = pick(spec, "input", session.getInputInfo());
            String outputName = pick(spec, "output", session.getOutputInfo());
            checkInput(spec, session.getInputInfo().get(input));
            NetworkOutput output = NetworkOutput.of(spec, columns(spec, session.getOutputInfo().get(outputName)));
            return new OnnxMember(spec, environment, options, session, input, outputName, output);
        } catch (OrtException | NumberFormatException e) {
            closeQuietly(session, options);
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime cannot load " + spec.artifact() + ": " + e.getMessage(), e);
        } catch (MemberException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    private static String pick(ModelSpec spec, String which, Map<String, NodeInfo> nodes) throws MemberException {
        String named = spec.options().get(which);
        if (named != null) {
            if (!nodes.containsKey(named)) {
                throw new MemberException("member " + spec.pin() + ": the graph has no " + which + " named '" + named
                        + "'; its " + which + "s are " + nodes.keySet());
            }
            return named;
        }
        if (nodes.size() != 1) {
            throw new MemberException("member " + spec.pin() + ": the graph has " + nodes.size() + " " + which + "s "
                    + nodes.keySet() + "; name one with the option '" + which + "'");
        }
        return nodes.keySet().iterator().next();
    }

    private static void checkInput(ModelSpec spec, NodeInfo node) throws MemberException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new MemberException("member " + spec.pin() + ": input '" + node.getName() + "' must be a float32 tensor, not " + node.getInfo());
        }
        long[] dims = info.getShape();
        int width = spec.schema().width();
        if (dims.length != 2 || dims[1] > 0 && dims[1] != width) {
            throw new MemberException("member " + spec.pin() + ": input '" + node.getName() + "' has shape " + Arrays.toString(dims)
                    + "; the schema gives [batch, " + width + "]");
        }
    }

    private static int columns(ModelSpec spec, NodeInfo node) throws MemberException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new MemberException("member " + spec.pin() + ": output '" + node.getName() + "' must be a float32 tensor, not "
                    + node.getInfo() + " (scikit-learn exports: convert with zipmap=False)");
        }
        long[] dims = info.getShape();
        if (dims.length == 1) {
            return 1;
        }
        if (dims.length != 2 || dims[1] < 1) {
            throw new MemberException("member " + spec.pin() + ": output '" + node.getName() + "' has shape " + Arrays.toString(dims)
                    + "; expected [batch] or [batch, columns] with a fixed column count");
        }
        return (int) dims[1];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        shape[0] = rows;
        FloatBuffer view = input.slice(0, rows * spec.schema().width());
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, view, shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor), outputNames)) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor tensorOut)) {
                throw new MemberException("member " + spec.pin() + ": the output is not a tensor");
            }
            output.write(tensorOut.getFloatBuffer(), rows, out);
        } catch (OrtException e) {
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime failed on a batch of " + rows + " rows: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(session, options);
        }
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
