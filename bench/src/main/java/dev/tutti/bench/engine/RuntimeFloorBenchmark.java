package dev.tutti.bench.engine;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The telco MLPs scored on the same 256 rows by direct library calls, with no Tutti code in the
 * loop: the floor of what ONNX Runtime's and DJL's Java APIs allocate per batch, to set against
 * {@link MemberBenchmark}.
 *
 * <ul>
 *   <li>{@code ortPinned}: {@code OrtSession.run} with the input and a pinned output tensor made once
 *       over direct buffers (what {@code OnnxMember} does); {@code ortPerCall}: a new input tensor, a
 *       requested output and its copy per call (what it did before);
 *   <li>{@code djlDirect}: an NDArray over a direct byte buffer in a long-lived manager,
 *       {@code forward}, a direct view of the output, both tensors closed (what
 *       {@code TorchScriptMember} does); {@code djlPerCall}: a sub-manager per call, the input from a
 *       float buffer (DJL allocates and fills a direct buffer), a new parameter store and the copying
 *       {@code toByteBuffer()} (what it did before).
 * </ul>
 *
 * ONNX Runtime is configured as the member configures it: one intra-op thread, no spinning.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class RuntimeFloorBenchmark {
    static final int ROWS = ScorerBenchmark.ROWS;

    /** The ONNX MLP in a session with pinned tensors, and the input as the engine passes it. */
    @State(Scope.Thread)
    public static class Ort {
        OrtEnvironment environment;
        OrtSession.SessionOptions options;
        OrtSession session;
        String inputName;
        String outputName;
        FloatBuffer rows;
        long[] shape;
        Map<String, OnnxTensor> inputs;
        Map<String, OnnxTensor> outputs;
        FloatBuffer output;

        @Setup(Level.Trial)
        public void setUp() throws OrtException {
            GoldenSet golden = GoldenSet.load("telco");
            ModelSpec spec = golden.member("mlp-onnx");
            environment = OrtEnvironment.getEnvironment();
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(spec.artifact().toString(), options);
            inputName = session.getInputNames().iterator().next();
            outputName = session.getOutputNames().iterator().next();
            int width = spec.schema().width();
            rows = golden.encodedRows(0, ROWS);
            shape = new long[] {ROWS, width};
            long[] outputShape = ((ai.onnxruntime.TensorInfo) session.getOutputInfo().get(outputName).getInfo()).getShape();
            int columns = outputShape.length == 1 ? 1 : (int) outputShape[1];
            output = ByteBuffer.allocateDirect(ROWS * columns * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputs = Map.of(inputName, OnnxTensor.createTensor(environment, rows, shape));
            long[] pinnedShape = outputShape.length == 1 ? new long[] {ROWS} : new long[] {ROWS, columns};
            outputs = Map.of(outputName, OnnxTensor.createTensor(environment, output, pinnedShape));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
            session.close();
            options.close();
        }
    }

    /** The TorchScript MLP in DJL, and the input in a direct byte buffer and as a float buffer. */
    @State(Scope.Thread)
    public static class Djl {
        Model model;
        NDManager manager;
        ParameterStore parameters;
        ByteBuffer bytes;
        FloatBuffer rows;
        Shape shape;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            GoldenSet golden = GoldenSet.load("telco");
            ModelSpec spec = golden.member("mlp-torchscript");
            model = Model.newInstance("floor", Device.cpu(), "PyTorch");
            model.load(spec.artifact());
            parameters = new ParameterStore(model.getNDManager(), false);
            manager = model.getNDManager().newSubManager();
            int width = spec.schema().width();
            rows = golden.encodedRows(0, ROWS);
            bytes = ByteBuffer.allocateDirect(ROWS * width * Float.BYTES).order(ByteOrder.nativeOrder());
            bytes.asFloatBuffer().put(0, rows, 0, ROWS * width);
            shape = new Shape(ROWS, width);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
            model.close();
        }
    }

    @Benchmark
    public float ortPinned(Ort ort) throws OrtException {
        try (OrtSession.Result _ = ort.session.run(ort.inputs, ort.outputs)) {
            return ort.output.get(ROWS - 1);
        }
    }

    @Benchmark
    public float ortPerCall(Ort ort) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(ort.environment, ort.rows.slice(0, ort.rows.capacity()), ort.shape);
                OrtSession.Result result = ort.session.run(Map.of(ort.inputName, tensor), Set.of(ort.outputName))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().get(ROWS - 1);
        }
    }

    @Benchmark
    public float djlDirect(Djl djl) {
        try (NDArray x = djl.manager.create(djl.bytes.clear(), djl.shape, DataType.FLOAT32);
                NDList y = djl.model.getBlock().forward(djl.parameters, new NDList(x), false)) {
            return y.singletonOrThrow().toByteBuffer(true).getFloat(0);
        }
    }

    @Benchmark
    public float djlPerCall(Djl djl) {
        try (NDManager manager = djl.model.getNDManager().newSubManager()) {
            NDArray x = manager.create(djl.rows.slice(0, djl.rows.capacity()), djl.shape);
            NDArray y = djl.model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            y.attach(manager);
            return y.toByteBuffer().getFloat(0);
        }
    }
}
