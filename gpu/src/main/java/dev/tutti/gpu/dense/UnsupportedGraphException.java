package dev.tutti.gpu.dense;

import dev.tutti.engine.spi.MemberException;

/**
 * The ONNX graph is not a dense network the GPU backend can run (an op outside
 * Gemm/MatMul/Add/Relu/Sigmoid/Tanh/Softmax, or those ops in a shape it does not take). The message
 * names the member, the op and the node; a CPU runtime then serves the member.
 */
public final class UnsupportedGraphException extends MemberException {
    private static final long serialVersionUID = 1L;

    public UnsupportedGraphException(String message) {
        super(message);
    }
}
