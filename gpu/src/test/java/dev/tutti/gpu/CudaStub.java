package dev.tutti.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CPU stand-in for libcuda and libcublas ({@code src/test/c/cuda_stub.c}), compiled with gcc into
 * {@code target/cuda-stub/} once per JVM, and its test controls (error injection, device count, live
 * native objects). Tests that need it are skipped, with the reason, when there is no C compiler.
 *
 * <p>Threads: the controls are process-wide (the stub's globals); tests using them must not run in parallel.
 */
@SuppressWarnings("restricted") // binding the stub's controls is the point
final class CudaStub {
    private static Path library;
    private static MethodHandle fail;
    private static MethodHandle clear;
    private static MethodHandle setDevices;
    private static MethodHandle poison;
    private static MethodHandle badCalls;
    private static MethodHandle live;

    private CudaStub() {}

    /** The stub library, built on first use; skips the calling test when it cannot be built. */
    static synchronized Path library() {
        if (library == null) {
            Path source = Path.of("src/test/c/cuda_stub.c").toAbsolutePath();
            Path out = Path.of("target/cuda-stub/libtutti-cuda-stub.so").toAbsolutePath();
            String gcc = System.getenv().getOrDefault("CC", "gcc");
            try {
                Files.createDirectories(out.getParent());
                Process p = new ProcessBuilder(gcc, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", out.toString(), source.toString(), "-lm")
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc did not finish in 60 s");
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("gcc failed on " + source + ":\n" + log);
                }
            } catch (IOException e) {
                assumeTrue(false, "no C compiler ('" + gcc + "') to build the CUDA stub: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            SymbolLookup lookup = SymbolLookup.libraryLookup(out, Arena.global());
            Linker linker = Linker.nativeLinker();
            fail = linker.downcallHandle(lookup.find("stub_fail").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
            clear = linker.downcallHandle(lookup.find("stub_clear").orElseThrow(), FunctionDescriptor.ofVoid());
            setDevices = linker.downcallHandle(lookup.find("stub_set_devices").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT));
            badCalls = linker.downcallHandle(lookup.find("stub_bad_calls").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
            poison = linker.downcallHandle(lookup.find("stub_poison").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_INT));
            live = linker.downcallHandle(lookup.find("stub_live").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
            library = out;
        }
        return library;
    }

    /** Settings that load the stub as both libraries. */
    static GpuSettings settings(Duration retryAfter) {
        String path = library().toString();
        return new GpuSettings(true, Optional.of(path), Optional.of(path), 0, retryAfter);
    }

    /** From its {@code after}-th next call on, {@code call} ("*" = every entry point) returns {@code code}, until {@link #clear}. */
    static void fail(String call, int after, int code) {
        library();
        try (Arena arena = Arena.ofConfined()) {
            fail.invokeExact(arena.allocateFrom(call), after, code);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void clear() {
        library();
        try {
            clear.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The context fails as a real one does after a kernel fault: every context-bound call returns
     * {@code code} until the primary context is reset ({@code cuDevicePrimaryCtxReset_v2}), which
     * destroys everything the context held.
     */
    static void poison(int code) {
        library();
        try {
            poison.invokeExact(code);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Frees and destroys so far of what was not live: a real driver fails them, or frees another owner's memory. */
    static long badCalls() {
        library();
        try {
            return (long) badCalls.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void devices(int count) {
        library();
        try {
            setDevices.invokeExact(count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Live device allocations, pinned buffers, streams, cuBLAS handles, modules and context retains. */
    static long live() {
        library();
        try {
            return (long) live.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

}
