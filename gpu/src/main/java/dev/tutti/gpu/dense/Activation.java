package dev.tutti.gpu.dense;

/** The element-wise function after a dense layer; {@link #code} is what the {@code bias_act} kernel takes. */
public enum Activation {
    NONE(0),
    RELU(1),
    SIGMOID(2),
    TANH(3);

    private final int code;

    Activation(int code) {
        this.code = code;
    }

    /** The kernel's {@code act} argument. */
    public int code() {
        return code;
    }

    /** The reference on the CPU, in double (what the kernel computes in float). */
    public double apply(double x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
        };
    }
}
