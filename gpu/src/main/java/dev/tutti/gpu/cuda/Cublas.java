package dev.tutti.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The cuBLAS entry points Tutti uses ({@code _v2} API), bound with downcalls. Every call checks its
 * {@code cublasStatus_t} and throws {@link CudaException} naming the call and the status.
 *
 * <p>cuBLAS is column-major: a row-major {@code Y[rows, out] = X[rows, in] W^T} (with {@code W[out, in]}
 * as ONNX Gemm {@code transB=1} and {@code torch.nn.Linear} store it) is computed as the column-major
 * {@code Y^T[out, rows] = op_T(W) X^T} without moving any data: {@code sgemm(T, N, out, rows, in, W, in, X, in, Y, out)}.
 *
 * <p>Threads: as {@link CudaDriver}: call from the thread that owns the handle's device. Allocation:
 * {@link #create} and {@link #version} allocate an out parameter; {@link #sgemm} allocates nothing.
 */
public final class Cublas {
    /** {@code CUBLAS_OP_N}. */
    public static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    public static final int OP_T = 1;

    private final MethodHandle cublasCreate;
    private final MethodHandle cublasDestroy;
    private final MethodHandle cublasSetStream;
    private final MethodHandle cublasGetVersion;
    private final MethodHandle cublasSgemm;

    /**
     * Binds every entry point in {@code lib}.
     *
     * @throws UnsatisfiedLinkError naming the first symbol the library lacks
     */
    public Cublas(SymbolLookup lib) {
        cublasCreate = CudaDriver.bind(lib, "cublasCreate_v2", ADDRESS);
        cublasDestroy = CudaDriver.bind(lib, "cublasDestroy_v2", ADDRESS);
        cublasSetStream = CudaDriver.bind(lib, "cublasSetStream_v2", ADDRESS, ADDRESS);
        cublasGetVersion = CudaDriver.bind(lib, "cublasGetVersion_v2", ADDRESS, ADDRESS);
        // cublasSgemm_v2(handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc); host pointer mode
        cublasSgemm = CudaDriver.bind(lib, "cublasSgemm_v2", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    }

    /** Creates a handle in the current context (needs a current context on the calling thread). */
    public MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) cublasCreate.invokeExact(out);
            } catch (Throwable t) {
                throw CudaDriver.failed("cublasCreate_v2", t);
            }
            check("cublasCreate_v2", rc);
            return out.get(ADDRESS, 0);
        }
    }

    public void destroy(MemorySegment handle) {
        int rc;
        try {
            rc = (int) cublasDestroy.invokeExact(handle);
        } catch (Throwable t) {
            throw CudaDriver.failed("cublasDestroy_v2", t);
        }
        check("cublasDestroy_v2", rc);
    }

    public void setStream(MemorySegment handle, MemorySegment stream) {
        int rc;
        try {
            rc = (int) cublasSetStream.invokeExact(handle, stream);
        } catch (Throwable t) {
            throw CudaDriver.failed("cublasSetStream_v2", t);
        }
        check("cublasSetStream_v2", rc);
    }

    public int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) cublasGetVersion.invokeExact(handle, out);
            } catch (Throwable t) {
                throw CudaDriver.failed("cublasGetVersion_v2", t);
            }
            check("cublasGetVersion_v2", rc);
            return out.get(JAVA_INT, 0);
        }
    }

    /**
     * Column-major {@code C = alpha op(A) op(B) + beta C}, queued on the handle's stream.
     *
     * @param alpha a host float holding alpha
     * @param beta a host float holding beta
     */
    public void sgemm(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, long a, int lda,
            long b, int ldb, MemorySegment beta, long c, int ldc) {
        int rc;
        try {
            rc = (int) cublasSgemm.invokeExact(handle, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw CudaDriver.failed("cublasSgemm_v2", t);
        }
        check("cublasSgemm_v2", rc);
    }

    static void check(String call, int status) {
        if (status != 0) {
            throw new CudaException(call, status, statusName(status));
        }
    }

    /** The {@code cublasStatus_t} name of {@code status}. */
    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus_t";
        };
    }
}
