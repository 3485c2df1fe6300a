package dev.tutti.gpu.cuda;

/**
 * The bound CUDA driver and cuBLAS, and the files they came from.
 *
 * <p>Threads: immutable; shared by every device and member that uses these libraries.
 */
public record CudaApi(CudaDriver driver, Cublas cublas, String driverLibrary, String cublasLibrary) {}
