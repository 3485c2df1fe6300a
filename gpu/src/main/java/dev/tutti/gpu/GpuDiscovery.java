package dev.tutti.gpu;

import dev.tutti.gpu.cuda.CudaApi;
import dev.tutti.gpu.cuda.CudaDriver;
import dev.tutti.gpu.cuda.CudaLibraries;
import dev.tutti.gpu.cuda.Cublas;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process can use on the GPU: the driver library, its version, the devices (name, memory)
 * and cuBLAS, or exactly why not. Probed once per {@link GpuSettings} and logged once, at the first
 * member that asks (the start of serving).
 *
 * <p>Threads: {@link #of} is thread-safe; results are immutable.
 *
 * @param api the bound libraries, present when usable
 * @param devices the devices found (empty when the driver did not load)
 * @param unavailable why the CUDA runtime cannot be used, empty when it can
 */
public record GpuDiscovery(Optional<CudaApi> api, List<Device> devices, Optional<String> unavailable) {
    private static final Logger LOG = System.getLogger(GpuDiscovery.class.getName());
    private static final Map<GpuSettings, GpuDiscovery> PROBED = new ConcurrentHashMap<>();

    /** One device as the driver reports it. */
    public record Device(int ordinal, String name, long memoryBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "#%d %s (%.1f GiB)", ordinal, name, memoryBytes / (1024.0 * 1024 * 1024));
        }
    }

    /** The probe for {@code settings}, made (and logged) on first use. */
    public static GpuDiscovery of(GpuSettings settings) {
        return PROBED.computeIfAbsent(settings, s -> {
            GpuDiscovery found = probe(s);
            if (found.unavailable.isPresent()) {
                LOG.log(Level.INFO, "GPU discovery: runtime {0} unavailable: {1}", GpuRuntimeProvider.NAME, found.unavailable.get());
            } else {
                CudaApi api = found.api.orElseThrow();
                LOG.log(Level.INFO, "GPU discovery: {0} device(s) {1}; driver {2}, cuBLAS {3}; runtime {4} uses device {5}",
                        found.devices.size(), found.devices, api.driverLibrary(), api.cublasLibrary(), GpuRuntimeProvider.NAME, s.device());
            }
            return found;
        });
    }

    /** Probes without caching or logging. */
    static GpuDiscovery probe(GpuSettings settings) {
        if (!settings.enabled()) {
            return unavailable(List.of(), "disabled by tutti.gpu.enabled=false");
        }
        CudaLibraries.Opened driverLibrary;
        CudaDriver driver;
        try {
            driverLibrary = CudaLibraries.open("the CUDA driver (libcuda)", CudaLibraries.driverCandidates(settings.cudaLibrary()));
            driver = new CudaDriver(driverLibrary.lookup());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return unavailable(List.of(), "no CUDA driver: " + e.getMessage());
        }
        List<Device> devices = new ArrayList<>();
        int version;
        try {
            driver.init();
            version = driver.driverVersion();
            int count = driver.deviceCount();
            for (int i = 0; i < count; i++) {
                int handle = driver.device(i);
                devices.add(new Device(i, driver.deviceName(handle), driver.deviceTotalMemory(handle)));
            }
        } catch (RuntimeException e) {
            return unavailable(devices, "the CUDA driver " + driverLibrary.path() + " did not start: " + e.getMessage());
        }
        String driverDescription = driverLibrary.path() + " (CUDA " + version / 1000 + "." + version % 1000 / 10 + ")";
        if (devices.isEmpty()) {
            return unavailable(devices, "no CUDA device (driver " + driverDescription + " reports 0 devices)");
        }
        if (settings.device() >= devices.size()) {
            return unavailable(devices, "tutti.gpu.device=" + settings.device() + " but only " + devices.size() + " device(s): " + devices);
        }
        CudaLibraries.Opened cublasLibrary;
        Cublas cublas;
        try {
            cublasLibrary = CudaLibraries.open("cuBLAS", CudaLibraries.cublasCandidates(settings.cublasLibrary()));
            cublas = new Cublas(cublasLibrary.lookup());
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return unavailable(devices, "no cuBLAS: " + e.getMessage() + " (set tutti.gpu.cublasLibrary or LD_LIBRARY_PATH)");
        }
        return new GpuDiscovery(Optional.of(new CudaApi(driver, cublas, driverDescription, cublasLibrary.path())), List.copyOf(devices),
                Optional.empty());
    }

    private static GpuDiscovery unavailable(List<Device> devices, String why) {
        return new GpuDiscovery(Optional.empty(), List.copyOf(devices), Optional.of(why));
    }
}
