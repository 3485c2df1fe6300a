package dev.tutti.gpu.dense;

import java.util.Objects;

/**
 * One dense layer {@code y = act(alpha x W^T + b)}: {@code weights} is {@code [outputs, inputs]} row-major
 * (the {@code torch.nn.Linear} and ONNX Gemm {@code transB=1} layout, whatever layout the file used).
 *
 * <p>Threads: immutable by convention (the arrays are not copied; nobody writes them after import).
 */
public record DenseLayer(int inputs, int outputs, float[] weights, float[] bias, float alpha, Activation activation) {

    public DenseLayer {
        Objects.requireNonNull(activation, "activation");
        if (weights.length != inputs * outputs || bias.length != outputs) {
            throw new IllegalArgumentException("a " + inputs + " -> " + outputs + " layer needs " + inputs * outputs
                    + " weights and " + outputs + " biases, not " + weights.length + " and " + bias.length);
        }
    }

    /** The same layer with {@code activation} after it. */
    public DenseLayer withActivation(Activation a) {
        return new DenseLayer(inputs, outputs, weights, bias, alpha, a);
    }
}
