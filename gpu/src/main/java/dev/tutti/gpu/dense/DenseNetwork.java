package dev.tutti.gpu.dense;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A feed-forward network of dense layers, optionally after a feature encoding run on the host
 * ({@link HostEncoding}, or null) and ending in a softmax over the last layer's outputs (applied on
 * the host: the output rows are narrow).
 *
 * <p>Threads: the layers are immutable; the encoding keeps per-batch buffers (one scoring thread).
 */
public record DenseNetwork(List<DenseLayer> layers, boolean softmax, HostEncoding encoding) {

    /** A network that takes its input rows as they are. */
    public DenseNetwork(List<DenseLayer> layers, boolean softmax) {
        this(layers, softmax, null);
    }

    public DenseNetwork {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputs() + " inputs but layer "
                        + (i - 1) + " gives " + layers.get(i - 1).outputs());
            }
        }
    }

    /** Columns of the rows the network takes: the encoding's raw rows, else the first layer's. */
    public int inputs() {
        return encoding != null ? encoding.inputs() : layers.getFirst().inputs();
    }

    /** Columns the first dense layer takes (the encoding's output, when there is one). */
    public int layerInputs() {
        return layers.getFirst().inputs();
    }

    public int outputs() {
        return layers.getLast().outputs();
    }

    /** The widest activation, which sizes the device's activation buffers. */
    public int widest() {
        int widest = 0;
        for (DenseLayer layer : layers) {
            widest = Math.max(widest, layer.outputs());
        }
        return widest;
    }

    /**
     * The reference forward pass on the CPU, in double: {@code rows x inputs()} in, {@code rows x outputs()} out.
     * For tests and checks, not for serving.
     */
    public double[] forward(float[] raw, int rows) {
        float[] x = raw;
        if (encoding != null) {
            FloatBuffer rowsIn = ByteBuffer.allocateDirect(raw.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, raw);
            FloatBuffer design = encoding.apply(rowsIn, rows);
            x = new float[rows * layerInputs()];
            design.get(0, x);
        }
        double[] in = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            in[i] = x[i];
        }
        for (DenseLayer layer : layers) {
            double[] out = new double[rows * layer.outputs()];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < layer.outputs(); o++) {
                    double s = 0;
                    for (int k = 0; k < layer.inputs(); k++) {
                        s += in[r * layer.inputs() + k] * layer.weights()[o * layer.inputs() + k];
                    }
                    out[r * layer.outputs() + o] = layer.activation().apply(layer.alpha() * s + layer.bias()[o]);
                }
            }
            in = out;
        }
        if (softmax) {
            int k = outputs();
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, in[r * k + c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(in[r * k + c] - max);
                }
                for (int c = 0; c < k; c++) {
                    in[r * k + c] = Math.exp(in[r * k + c] - max) / sum;
                }
            }
        }
        return in;
    }
}
