package dev.tutti.cpu.torch;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.tutti.cpu.common.NetworkOutput;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
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
 * closed by {@link #close}; each batch's tensors live in a sub-manager closed before
 * {@link #score} returns. Allocation: DJL copies the input into a native tensor and the output back.
 */
final class TorchScriptMember implements Member {
    private final ModelSpec spec;
    private final Model model;
    private final Block block;
    private final NetworkOutput output;
    private volatile boolean closed;

    private TorchScriptMember(ModelSpec spec, Model model, NetworkOutput output) {
        this.spec = spec;
        this.model = model;
        this.block = model.getBlock();
        this.output = output;
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

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
        if (closed) {
            throw new IllegalStateException("member " + spec.pin() + " is closed");
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray result = forward(block, manager, input, rows, spec.schema().width());
            output.write(result.toByteBuffer().asFloatBuffer(), rows, out);
        } catch (RuntimeException e) {
            throw new MemberException("member " + spec.pin() + ": PyTorch failed on a batch of " + rows + " rows: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
