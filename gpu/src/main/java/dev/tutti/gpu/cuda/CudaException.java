package dev.tutti.gpu.cuda;

/**
 * A CUDA driver or cuBLAS call returned an error, or a binding could not be called. The message
 * names the call, the error name and the numeric code, e.g. {@code cuMemAlloc_v2 failed:
 * CUDA_ERROR_OUT_OF_MEMORY (2)}.
 *
 * <p>Unchecked: a CUDA failure means the device (or its context) can no longer be trusted; the
 * member that meets one turns it into a switch to its CPU twin. Immutable.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;

    public CudaException(String call, int code, String errorName) {
        super(call + " failed: " + errorName + " (" + code + ")");
        this.call = call;
        this.code = code;
    }

    private CudaException(String message, String call, int code, Throwable cause) {
        super(message, cause);
        this.call = call;
        this.code = code;
    }

    /** The same failure (call, code) with {@code detail} appended to the message, this one as its cause. */
    public CudaException withDetail(String detail) {
        return new CudaException(getMessage() + detail, call, code, this);
    }

    public CudaException(String call, Throwable cause) {
        super(call + " could not be called: " + cause, cause);
        this.call = call;
        this.code = -1;
    }

    /** The entry point that failed, e.g. {@code cublasSgemm_v2}. */
    public String call() {
        return call;
    }

    /** The CUresult or cublasStatus_t it returned, or -1 when the call itself could not be made. */
    public int code() {
        return code;
    }
}
