package dev.tutti.gpu.torch;

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
import dev.tutti.gpu.DeviceThread;
import dev.tutti.gpu.HostRows;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A TorchScript module in DJL's PyTorch engine on a CUDA device: the weights stay on the GPU; per
 * batch, the rows go up as one tensor, {@code forward} runs there, the output comes back. The
 * module's contract is the CPU runtime's: one float32 input {@code [batch, features]}, one output
 * {@code [batch]} or {@code [batch, columns]} ({@link NetworkOutput}; option {@code transform}),
 * checked at load by one forward pass on one row.
 *
 * <p>Threads: {@link #score} by one engine thread at a time; every libtorch call runs on the
 * device's {@link DeviceThread}. Ownership: owns the model and a manager for each batch's tensors
 * (closed before {@code score} returns) and its input buffer. Allocation per batch: DJL's tensor and
 * list objects, the output copy, the device-thread task.
 */
public final class TorchGpuMember implements Member {
    private final ModelSpec spec;
    private final Model model;
    private final Block block;
    private final NetworkOutput output;
    private final ParameterStore parameters;
    private final DeviceThread device;
    private final InFlightGuard guard;
    private final HostRows input = new HostRows();

    private TorchGpuMember(ModelSpec spec, Model model, NetworkOutput output, DeviceThread device) {
        this.spec = spec;
        this.model = model;
        this.block = model.getBlock();
        this.output = output;
        this.parameters = new ParameterStore(model.getNDManager(), false);
        this.device = device;
        this.guard = new InFlightGuard(model::close);
    }

    /**
     * Loads the module on CUDA device {@code cudaDevice}; with -1 on the CPU (tests run the member's
     * own code this way on machines without a GPU).
     */
    public static TorchGpuMember load(ModelSpec spec, int cudaDevice) throws MemberException {
        DeviceThread thread = DeviceThread.of(Math.max(cudaDevice, 0));
        return thread.call(() -> {
            Device where = cudaDevice >= 0 ? Device.gpu(cudaDevice) : Device.cpu();
            Model model = Model.newInstance(spec.pin(), where, TorchGpuProvider.ENGINE);
            try {
                model.load(spec.artifact());
                Shape shape = probeShape(model, spec.schema().width());
                if (shape.dimension() < 1 || shape.dimension() > 2 || shape.get(0) != 1) {
                    throw new MemberException("member " + spec.pin() + ": forward() returned shape " + shape
                            + " for one row; expected [batch] or [batch, columns]");
                }
                return new TorchGpuMember(spec, model, NetworkOutput.of(spec, shape.dimension() == 1 ? 1 : (int) shape.get(1)), thread);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                throw new MemberException("member " + spec.pin() + ": PyTorch cannot load or run " + spec.artifact() + " on " + where
                        + ": " + e.getMessage(), e);
            } catch (MemberException e) {
                model.close();
                throw e;
            }
        });
    }

    /** The output shape of the module for one row of zeros. */
    private static Shape probeShape(Model model, int width) {
        try (NDManager probe = model.getNDManager().newSubManager()) {
            NDArray x = probe.zeros(new Shape(1, width), DataType.FLOAT32);
            NDArray y = model.getBlock().forward(new ParameterStore(probe, false), new NDList(x), false).singletonOrThrow();
            y.attach(probe);
            return y.getShape();
        }
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
            ByteBuffer batch = input.copy(rows, floats);
            device.call(() -> {
                try (NDManager tensors = model.getNDManager().newSubManager()) {
                    NDArray x = tensors.create(batch, new Shape(count, spec.schema().width()), DataType.FLOAT32);
                    NDArray y = block.forward(parameters, new NDList(x), false).singletonOrThrow();
                    y.attach(tensors);
                    NDArray host = y.toDevice(Device.cpu(), false);
                    host.attach(tensors);
                    output.write(host.toByteBuffer().order(ByteOrder.nativeOrder()), count, out);
                    return null;
                } catch (RuntimeException e) {
                    throw new MemberException("member " + spec.pin() + ": PyTorch failed on a batch of " + count + " rows: " + e.getMessage(), e);
                }
            });
        } finally {
            guard.exit();
        }
    }

    /** Frees the model now, or when a scoring call still running returns. */
    @Override
    public void close() {
        guard.close();
    }
}
