package dev.tutti.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The CUDA driver API entry points Tutti uses, bound with {@link Linker} downcalls. Every call checks
 * its {@code CUresult} and throws {@link CudaException} naming the entry point and the error.
 *
 * <p>The {@code _v2} entry points are bound by name (they are what {@code cuda.h} maps the plain names
 * to; the plain symbols are the 32-bit legacy versions). Device pointers ({@code CUdeviceptr}) are
 * {@code long}s; opaque handles (context, stream, module, function) are {@link MemorySegment}s.
 *
 * <p>Threads: the bindings are immutable and may be shared, but every call that needs a context must
 * come from the thread that made the context current ({@link CudaDevice}'s thread). Allocation: calls
 * with an out parameter allocate it in a short confined arena; the per-batch calls (copies, launch,
 * synchronize) allocate nothing.
 */
@SuppressWarnings("restricted") // this class is the binding: its downcalls and reinterprets are the point, checked against cuda.h
public final class CudaDriver {
    /** {@code CU_STREAM_NON_BLOCKING}: the stream does not synchronise with the legacy default stream. */
    public static final int STREAM_NON_BLOCKING = 1;

    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamDestroy;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemAllocHost;
    private final MethodHandle cuMemFreeHost;
    private final MethodHandle cuMemcpyHtoDAsync;
    private final MethodHandle cuMemcpyDtoHAsync;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuGetErrorName;

    /**
     * Binds every entry point in {@code lib}.
     *
     * @throws UnsatisfiedLinkError naming the first symbol the library lacks
     */
    public CudaDriver(SymbolLookup lib) {
        cuInit = bind(lib, "cuInit", JAVA_INT);
        cuDriverGetVersion = bind(lib, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = bind(lib, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind(lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind(lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = bind(lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRetain = bind(lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRelease = bind(lib, "cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        cuCtxSetCurrent = bind(lib, "cuCtxSetCurrent", ADDRESS);
        cuStreamCreate = bind(lib, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamDestroy = bind(lib, "cuStreamDestroy_v2", ADDRESS);
        cuStreamSynchronize = bind(lib, "cuStreamSynchronize", ADDRESS);
        cuMemAlloc = bind(lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind(lib, "cuMemFree_v2", JAVA_LONG);
        cuMemAllocHost = bind(lib, "cuMemAllocHost_v2", ADDRESS, JAVA_LONG);
        cuMemFreeHost = bind(lib, "cuMemFreeHost", ADDRESS);
        // the Async copies on the member's stream are ordered with its GEMMs and kernels; the plain
        // copies run on the legacy stream, which a non-blocking stream does not wait for
        cuMemcpyHtoDAsync = bind(lib, "cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        cuMemcpyDtoHAsync = bind(lib, "cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuModuleLoadData = bind(lib, "cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleUnload = bind(lib, "cuModuleUnload", ADDRESS);
        cuModuleGetFunction = bind(lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuLaunchKernel = bind(lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuGetErrorName = bind(lib, "cuGetErrorName", JAVA_INT, ADDRESS);
    }

    static MethodHandle bind(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol " + name + " not found"));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }

    public void init() {
        int rc;
        try {
            rc = (int) cuInit.invokeExact(0);
        } catch (Throwable t) {
            throw failed("cuInit", t);
        }
        check("cuInit", rc);
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) cuDriverGetVersion.invokeExact(out);
            } catch (Throwable t) {
                throw failed("cuDriverGetVersion", t);
            }
            check("cuDriverGetVersion", rc);
            return out.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) cuDeviceGetCount.invokeExact(out);
            } catch (Throwable t) {
                throw failed("cuDeviceGetCount", t);
            }
            check("cuDeviceGetCount", rc);
            return out.get(JAVA_INT, 0);
        }
    }

    /** The {@code CUdevice} handle of device {@code ordinal}. */
    public int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) cuDeviceGet.invokeExact(out, ordinal);
            } catch (Throwable t) {
                throw failed("cuDeviceGet", t);
            }
            check("cuDeviceGet", rc);
            return out.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            int rc;
            try {
                rc = (int) cuDeviceGetName.invokeExact(out, 255, device);
            } catch (Throwable t) {
                throw failed("cuDeviceGetName", t);
            }
            check("cuDeviceGetName", rc);
            return out.getString(0, StandardCharsets.UTF_8);
        }
    }

    public long deviceTotalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int rc;
            try {
                rc = (int) cuDeviceTotalMem.invokeExact(out, device);
            } catch (Throwable t) {
                throw failed("cuDeviceTotalMem_v2", t);
            }
            check("cuDeviceTotalMem_v2", rc);
            return out.get(JAVA_LONG, 0);
        }
    }

    /** Retains the device's primary context (CUDA 13's {@code cuCtxCreate} is {@code _v4} and takes a struct). */
    public MemorySegment retainPrimaryContext(int device) {
        return outPointer("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain, device);
    }

    public void releasePrimaryContext(int device) {
        int rc;
        try {
            rc = (int) cuDevicePrimaryCtxRelease.invokeExact(device);
        } catch (Throwable t) {
            throw failed("cuDevicePrimaryCtxRelease_v2", t);
        }
        check("cuDevicePrimaryCtxRelease_v2", rc);
    }

    /**
     * Whether {@code code} is a CUresult that leaves the context unusable until it is reset: a fault
     * in a kernel (illegal or misaligned address, illegal instruction, invalid PC or address space,
     * hardware stack error, device-side assert, launch failure). Every later call in that context
     * returns the same error; NVIDIA's documentation says the process must be restarted, and on an
     * H100 (driver 580) even {@code cuDevicePrimaryCtxReset_v2} left the next retain failing.
     */
    public static boolean isSticky(int code) {
        return code == 700 || code == 710 || (code >= 714 && code <= 719);
    }

    public void setCurrent(MemorySegment context) {
        int rc;
        try {
            rc = (int) cuCtxSetCurrent.invokeExact(context);
        } catch (Throwable t) {
            throw failed("cuCtxSetCurrent", t);
        }
        check("cuCtxSetCurrent", rc);
    }

    public MemorySegment createStream(int flags) {
        return outPointer("cuStreamCreate", cuStreamCreate, flags);
    }

    public void destroyStream(MemorySegment stream) {
        int rc;
        try {
            rc = (int) cuStreamDestroy.invokeExact(stream);
        } catch (Throwable t) {
            throw failed("cuStreamDestroy_v2", t);
        }
        check("cuStreamDestroy_v2", rc);
    }

    public void synchronize(MemorySegment stream) {
        int rc;
        try {
            rc = (int) cuStreamSynchronize.invokeExact(stream);
        } catch (Throwable t) {
            throw failed("cuStreamSynchronize", t);
        }
        check("cuStreamSynchronize", rc);
    }

    /** Allocates {@code bytes} of device memory; returns the {@code CUdeviceptr}. */
    public long memAlloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int rc;
            try {
                rc = (int) cuMemAlloc.invokeExact(out, bytes);
            } catch (Throwable t) {
                throw failed("cuMemAlloc_v2", t);
            }
            check("cuMemAlloc_v2", rc);
            return out.get(JAVA_LONG, 0);
        }
    }

    public void memFree(long devicePointer) {
        int rc;
        try {
            rc = (int) cuMemFree.invokeExact(devicePointer);
        } catch (Throwable t) {
            throw failed("cuMemFree_v2", t);
        }
        check("cuMemFree_v2", rc);
    }

    /** Allocates {@code bytes} of page-locked host memory, as a segment of that size (free with {@link #memFreeHost}). */
    public MemorySegment memAllocHost(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) cuMemAllocHost.invokeExact(out, bytes);
            } catch (Throwable t) {
                throw failed("cuMemAllocHost_v2", t);
            }
            check("cuMemAllocHost_v2", rc);
            return out.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    public void memFreeHost(MemorySegment host) {
        int rc;
        try {
            rc = (int) cuMemFreeHost.invokeExact(host);
        } catch (Throwable t) {
            throw failed("cuMemFreeHost", t);
        }
        check("cuMemFreeHost", rc);
    }

    public void copyHostToDeviceAsync(long device, MemorySegment host, long bytes, MemorySegment stream) {
        int rc;
        try {
            rc = (int) cuMemcpyHtoDAsync.invokeExact(device, host, bytes, stream);
        } catch (Throwable t) {
            throw failed("cuMemcpyHtoDAsync_v2", t);
        }
        check("cuMemcpyHtoDAsync_v2", rc);
    }

    public void copyDeviceToHostAsync(MemorySegment host, long device, long bytes, MemorySegment stream) {
        int rc;
        try {
            rc = (int) cuMemcpyDtoHAsync.invokeExact(host, device, bytes, stream);
        } catch (Throwable t) {
            throw failed("cuMemcpyDtoHAsync_v2", t);
        }
        check("cuMemcpyDtoHAsync_v2", rc);
    }

    /** Loads a module from a NUL-terminated PTX (or cubin) image; the driver JIT-compiles PTX. */
    public MemorySegment loadModule(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) cuModuleLoadData.invokeExact(out, image);
            } catch (Throwable t) {
                throw failed("cuModuleLoadData", t);
            }
            check("cuModuleLoadData", rc);
            return out.get(ADDRESS, 0);
        }
    }

    public void unloadModule(MemorySegment module) {
        int rc;
        try {
            rc = (int) cuModuleUnload.invokeExact(module);
        } catch (Throwable t) {
            throw failed("cuModuleUnload", t);
        }
        check("cuModuleUnload", rc);
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) cuModuleGetFunction.invokeExact(out, module, arena.allocateFrom(name));
            } catch (Throwable t) {
                throw failed("cuModuleGetFunction", t);
            }
            check("cuModuleGetFunction(" + name + ")", rc);
            return out.get(ADDRESS, 0);
        }
    }

    /**
     * Launches a 1-D grid of {@code blocks} blocks of {@code threads} threads on {@code stream}.
     *
     * @param params an array of pointers, one to each kernel argument's value (read at launch time)
     */
    public void launch(MemorySegment function, int blocks, int threads, MemorySegment stream, MemorySegment params) {
        int rc;
        try {
            rc = (int) cuLaunchKernel.invokeExact(function, blocks, 1, 1, threads, 1, 1, 0, stream, params, MemorySegment.NULL);
        } catch (Throwable t) {
            throw failed("cuLaunchKernel", t);
        }
        check("cuLaunchKernel", rc);
    }

    private MemorySegment outPointer(String call, MethodHandle handle, int argument) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) handle.invokeExact(out, argument);
            } catch (Throwable t) {
                throw failed(call, t);
            }
            check(call, rc);
            return out.get(ADDRESS, 0);
        }
    }

    /** Throws {@link CudaException} when {@code rc} is not {@code CUDA_SUCCESS}. */
    public void check(String call, int rc) {
        if (rc != 0) {
            throw new CudaException(call, rc, errorName(rc));
        }
    }

    /** The driver's name for {@code rc} ({@code CUDA_ERROR_...}), or {@code CUresult} when it has none. */
    public String errorName(int rc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            if ((int) cuGetErrorName.invokeExact(rc, out) == 0 && !out.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                return out.get(ADDRESS, 0).reinterpret(128).getString(0, StandardCharsets.US_ASCII);
            }
        } catch (Throwable t) {
            // fall through to the bare code
        }
        return "CUresult";
    }

    static CudaException failed(String call, Throwable t) {
        if (t instanceof CudaException e) {
            return e;
        }
        return new CudaException(call, t);
    }
}
