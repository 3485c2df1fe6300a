package dev.tutti.cpu.torch;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tutti.engine.spi.InFlightGuard;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.NetworkOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A TorchScript module ({@code torch.jit.save}) in DJL's PyTorch engine on the CPU. {@code forward}
 * takes one float32 tensor {@code [batch, features]} and returns one tensor {@code [batch, columns]}
 * or {@code [batch]} (see {@link NetworkOutput}; spec option {@code transform}).
 *
 * <p>At load the module runs once on one row to check that it works and to learn its output width.
 *
 * <p>Threads: one scoring thread at a time. Ownership: owns the DJL model (and its native module),
 * closed by {@link #close}, a direct input buffer, and one NDManager for the batches' tensors (the
 * input and the output of each batch, both closed before {@link #score} returns). Allocation: the rows
 * are copied into the member's direct native-order buffer, which libtorch reads in place (DJL would
 * otherwise allocate and fill a direct buffer per call), the shape object is made once per batch size,
 * the output is read through DJL's direct view of the tensor's memory (not its copying
 * {@code toByteBuffer()}), and no sub-manager is made per batch. DJL's API itself still allocates per
 * call: the NDArray and NDList objects, their ids, the JNI argument arrays (measured in
 * docs/benchmarks.md).
 */
final class TorchScriptMember implements Member {
    private final ModelSpec spec;
    private final Model model;
    private final Block block;
    private final NetworkOutput output;
    private final ParameterStore parameters;
    /** The manager of each batch's two tensors, which are closed before {@link #score} returns. */
    private final NDManager batches;
    private ByteBuffer input = ByteBuffer.allocateDirect(0);
    private FloatBuffer inputFloats = input.asFloatBuffer();
    private Shape[] shapes = new Shape[1];
    private final InFlightGuard guard;

    private TorchScriptMember(ModelSpec spec, Model model, NetworkOutput output) {
        this.spec = spec;
        this.model = model;
        this.block = model.getBlock();
        this.output = output;
        // a TorchScript module holds its own weights: the store is only passed through, so one serves every call
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.batches = model.getNDManager().newSubManager();
        this.guard = new InFlightGuard(() -> {
            batches.close();
            model.close();
        });
    }

    static TorchScriptMember load(ModelSpec spec) throws MemberException {
        Model model = Model.newInstance(spec.pin(), Device.cpu(), TorchScriptProvider.ENGINE);
        try {
            model.load(spec.artifact());
            int width = spec.schema().width();
            FloatBuffer probe = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            NetworkOutput output;
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray result = forward(model.getBlock(), manager, probe, 1, width);
                Shape shape = result.getShape();
                if (shape.dimension() < 1 || shape.dimension() > 2 || shape.get(0) != 1) {
                    throw new MemberException("member " + spec.pin() + ": forward() returned shape " + shape
                            + " for one row; expected [batch] or [batch, columns]");
                }
                output = NetworkOutput.of(spec, shape.dimension() == 1 ? 1 : (int) shape.get(1));
            }
            return new TorchScriptMember(spec, model, output);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new MemberException("member " + spec.pin() + ": PyTorch cannot load or run " + spec.artifact() + ": " + e.getMessage(), e);
        } catch (MemberException e) {
            model.close();
            throw e;
        }
    }

    private static NDArray forward(Block block, NDManager manager, FloatBuffer input, int rows, int width) {
        NDArray x = manager.create(input.slice(0, rows * width), new Shape(rows, width));
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), false);
        NDArray result = out.singletonOrThrow();
        result.attach(manager);
        return result;
    }

    /** The member's input buffer holding {@code rows} rows of {@code input}, its limit at their end. */
    private ByteBuffer copyRows(FloatBuffer rowsIn, int rows, int width) {
        int floats = rows * width;
        if (floats > inputFloats.capacity()) {
            input = ByteBuffer.allocateDirect(Math.max(floats, 2 * inputFloats.capacity()) * Float.BYTES)
                    .order(ByteOrder.nativeOrder());
            inputFloats = input.asFloatBuffer();
        }
        inputFloats.put(0, rowsIn, 0, floats);
        return input.limit(floats * Float.BYTES);
    }

    /** The shape {@code [rows, width]}, made once per batch size. */
    private Shape shape(int rows, int width) {
        if (rows >= shapes.length) {
            shapes = java.util.Arrays.copyOf(shapes, Math.max(rows + 1, 2 * shapes.length));
        }
        if (shapes[rows] == null) {
            shapes[rows] = new Shape(rows, width);
        }
        return shapes[rows];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer rowsIn, int rows, MemberOutput out) throws MemberException {
        if (!guard.enter()) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        int width = spec.schema().width();
        try {
            ByteBuffer bytes = copyRows(rowsIn, rows, width);
            try (NDArray x = batches.create(bytes, shape(rows, width), DataType.FLOAT32);
                    NDList result = block.forward(parameters, new NDList(x), false)) {
                output.write(result.singletonOrThrow().toByteBuffer(true), rows, out);
            } catch (RuntimeException e) {
                throw new MemberException("member " + spec.pin() + ": PyTorch failed on a batch of " + rows + " rows: " + e.getMessage(), e);
            }
        } finally {
            guard.exit();
        }
    }

    /** Frees the model and tensors now, or when a scoring call still running on another thread returns. */
    @Override
    public void close() {
        guard.close();
    }
}
