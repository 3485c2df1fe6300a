package dev.tutti.gpu;

import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the GPU runtimes, read once from system properties (or the environment variable named
 * after each), validated here, never read again on the scoring path.
 *
 * <table>
 *   <caption>properties</caption>
 *   <tr><th>property (environment)</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code tutti.gpu.enabled} ({@code TUTTI_GPU_ENABLED})</td><td>true</td><td>false: no GPU runtime is used</td></tr>
 *   <tr><td>{@code tutti.gpu.cudaLibrary} ({@code TUTTI_GPU_CUDA_LIBRARY})</td><td>search</td><td>the CUDA driver library to load, and only it</td></tr>
 *   <tr><td>{@code tutti.gpu.cublasLibrary} ({@code TUTTI_GPU_CUBLAS_LIBRARY})</td><td>search</td><td>the cuBLAS library to load, and only it</td></tr>
 *   <tr><td>{@code tutti.gpu.device} ({@code TUTTI_GPU_DEVICE})</td><td>0</td><td>the device ordinal members go to</td></tr>
 *   <tr><td>{@code tutti.gpu.retryMillis} ({@code TUTTI_GPU_RETRY_MILLIS})</td><td>30000</td><td>first back-off before a failed GPU is tried again (doubles up to 16x)</td></tr>
 * </table>
 *
 * @param enabled whether GPU runtimes may be used
 * @param cudaLibrary an explicit driver library (path or soname), else the search of {@code CudaLibraries}
 * @param cublasLibrary an explicit cuBLAS library, else the search
 * @param device the device ordinal
 * @param retryAfter the first back-off after a GPU failure
 */
public record GpuSettings(boolean enabled, Optional<String> cudaLibrary, Optional<String> cublasLibrary, int device, Duration retryAfter) {

    public GpuSettings {
        if (device < 0) {
            throw new IllegalArgumentException("tutti.gpu.device must be 0 or more, not " + device);
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("tutti.gpu.retryMillis must not be negative: " + retryAfter);
        }
    }

    /** The settings from system properties and the environment. */
    public static GpuSettings fromSystem() {
        return new GpuSettings(
                Boolean.parseBoolean(read("tutti.gpu.enabled", "TUTTI_GPU_ENABLED").orElse("true")),
                read("tutti.gpu.cudaLibrary", "TUTTI_GPU_CUDA_LIBRARY"),
                read("tutti.gpu.cublasLibrary", "TUTTI_GPU_CUBLAS_LIBRARY"),
                Integer.parseInt(read("tutti.gpu.device", "TUTTI_GPU_DEVICE").orElse("0")),
                Duration.ofMillis(Long.parseLong(read("tutti.gpu.retryMillis", "TUTTI_GPU_RETRY_MILLIS").orElse("30000"))));
    }

    private static Optional<String> read(String property, String variable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
