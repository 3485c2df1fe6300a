package dev.tutti.cpu.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A member's input and output tensors, made once per batch size and reused: ONNX Runtime reads the
 * input from, and writes the output into, direct buffers the member owns (the output tensor is
 * "pinned": {@code OrtSession.run(inputs, pinnedOutputs)}), so a batch costs a copy of its rows into
 * the input buffer and no tensor objects. An ONNX tensor has a fixed shape, so there is one binding
 * per row count seen (a micro-batcher produces a handful of sizes; each binding is two small native
 * tensors over the same buffers).
 *
 * <p>Threads: one scoring thread at a time (the member's contract). Ownership: owns the buffers and
 * every tensor; {@link #close} frees them. Allocation: a new row count allocates its binding; a batch
 * larger than any before reallocates the buffers and drops the bindings; otherwise none.
 */
final class OnnxBindings implements AutoCloseable {
    private final OrtEnvironment environment;
    private final String inputName;
    private final String outputName;
    private final int width;
    private final int columns;
    private final boolean vectorOutput;
    private ByteBuffer input = ByteBuffer.allocateDirect(0);
    private FloatBuffer inputFloats = input.asFloatBuffer();
    private ByteBuffer output = ByteBuffer.allocateDirect(0);
    private Binding[] byRows = new Binding[1];

    /**
     * @param width features per row
     * @param columns output values per row
     * @param vectorOutput whether the output tensor is {@code [batch]} rather than {@code [batch, columns]}
     */
    OnnxBindings(OrtEnvironment environment, String inputName, String outputName, int width, int columns,
            boolean vectorOutput) {
        this.environment = environment;
        this.inputName = inputName;
        this.outputName = outputName;
        this.width = width;
        this.columns = columns;
        this.vectorOutput = vectorOutput;
    }

    /** The tensors over {@code rows} rows, made on first use of that size. */
    Binding forRows(int rows) throws OrtException {
        if (rows >= byRows.length) {
            grow(Math.max(rows, 2 * (byRows.length - 1)));
        }
        Binding binding = byRows[rows];
        if (binding == null) {
            binding = new Binding(rows);
            byRows[rows] = binding;
        }
        return binding;
    }

    private void grow(int capacity) {
        close();
        input = ByteBuffer.allocateDirect(capacity * width * Float.BYTES).order(ByteOrder.nativeOrder());
        inputFloats = input.asFloatBuffer();
        output = ByteBuffer.allocateDirect(capacity * columns * Float.BYTES).order(ByteOrder.nativeOrder());
        byRows = new Binding[capacity + 1];
    }

    /** Closes every tensor; the buffers go with this object. */
    @Override
    public void close() {
        for (int rows = 0; rows < byRows.length; rows++) {
            if (byRows[rows] != null) {
                byRows[rows].inputTensor.close();
                byRows[rows].outputTensor.close();
                byRows[rows] = null;
            }
        }
    }

    /** The tensors and run arguments of one batch size, over the shared buffers. */
    final class Binding {
        private final OnnxTensor inputTensor;
        private final OnnxTensor outputTensor;
        final Map<String, OnnxTensor> inputs;
        final Map<String, OnnxTensor> outputs;

        private Binding(int rows) throws OrtException {
            long[] outputShape = vectorOutput ? new long[] {rows} : new long[] {rows, columns};
            this.inputTensor = OnnxTensor.createTensor(environment,
                    input.slice(0, rows * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer(),
                    new long[] {rows, width});
            try {
                this.outputTensor = OnnxTensor.createTensor(environment,
                        output.slice(0, rows * columns * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer(),
                        outputShape);
            } catch (OrtException e) {
                inputTensor.close();
                throw e;
            }
            this.inputs = Map.of(inputName, inputTensor);
            this.outputs = Map.of(outputName, outputTensor);
        }

        /** Where the batch's rows go: rows x width float32 from index 0, read by ONNX Runtime in place. */
        FloatBuffer input() {
            return inputFloats;
        }

        /** The output buffer ONNX Runtime writes into: rows x columns float32, native order, from index 0. */
        ByteBuffer output() {
            return output;
        }
    }
}
