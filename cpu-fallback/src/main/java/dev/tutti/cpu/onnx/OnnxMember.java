package dev.tutti.cpu.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
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
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * An ONNX model in an ONNX Runtime CPU session. The graph must take one float32 input
 * {@code [batch, features]} and give a float32 output {@code [batch, columns]} or {@code [batch]}
 * (see {@link NetworkOutput}). Spec options: {@code input} and {@code output} name the tensors when
 * the graph has several; {@code transform} (none, sigmoid, softmax); {@code intraOpThreads} (default 1).
 *
 * <p>Threads: one scoring thread at a time (the engine's contract). Ownership: owns its session,
 * options and {@link OnnxBindings} (the reused tensors), freed by {@link #close}. Allocation: a batch
 * copies its rows into the member's input buffer and ONNX Runtime writes the output into the member's
 * pinned output tensor, so Tutti allocates nothing per batch once each batch size has been seen;
 * ONNX Runtime's Java API still allocates its argument arrays and a result object per call (measured
 * in docs/benchmarks.md).
 */
final class OnnxMember implements Member {
    private final ModelSpec spec;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final NetworkOutput output;
    private final OnnxBindings bindings;
    private final InFlightGuard guard;

    private OnnxMember(ModelSpec spec, OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
            String inputName, String outputName, NetworkOutput output, boolean vectorOutput) {
        this.spec = spec;
        this.options = options;
        this.session = session;
        this.output = output;
        this.bindings = new OnnxBindings(environment, inputName, outputName, spec.schema().width(), output.columns(),
                vectorOutput);
        this.guard = new InFlightGuard(() -> {
            bindings.close();
            closeQuietly(session, options);
        });
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
            NodeInfo outputNode = session.getOutputInfo().get(outputName);
            NetworkOutput output = NetworkOutput.of(spec, columns(spec, outputNode));
            boolean vectorOutput = ((TensorInfo) outputNode.getInfo()).getShape().length == 1;
            return new OnnxMember(spec, environment, options, session, input, outputName, output, vectorOutput);
        } catch (OrtException | NumberFormatException e) {
            closeQuietly(session, options);
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime cannot load " + spec.artifact() + ": " + e.getMessage(), e);
        } catch (MemberException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    private static String pick(ModelSpec spec, String which, Map<String, NodeInfo> nodes) throws MemberException {
        return TensorContracts.pick(spec, which, nodes.keySet());
    }

    private static void checkInput(ModelSpec spec, NodeInfo node) throws MemberException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new MemberException("member " + spec.pin() + ": input '" + node.getName() + "' must be a float32 tensor, not " + node.getInfo());
        }
        TensorContracts.checkInput(spec, node.getName(), info.getShape());
    }

    private static int columns(ModelSpec spec, NodeInfo node) throws MemberException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new MemberException("member " + spec.pin() + ": output '" + node.getName() + "' must be a float32 tensor, not "
                    + node.getInfo() + " (scikit-learn exports: convert with zipmap=False)");
        }
        return TensorContracts.columns(spec, node.getName(), info.getShape());
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
        if (!guard.enter()) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        try {
            OnnxBindings.Binding binding = bindings.forRows(rows);
            binding.input().put(0, input, 0, rows * spec.schema().width());
            try (OrtSession.Result _ = session.run(binding.inputs, binding.outputs)) { // the output is pinned: nothing to read from the result
                output.write(binding.output(), rows, out);
            }
        } catch (OrtException e) {
            throw new MemberException("member " + spec.pin() + ": ONNX Runtime failed on a batch of " + rows + " rows: " + e.getMessage(), e);
        } finally {
            guard.exit();
        }
    }

    /** Frees the session and tensors now, or when a scoring call still running on another thread returns. */
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
