package dev.tutti.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and opens the CUDA driver ({@code libcuda.so.1}) and cuBLAS. The order follows GPU.md:
 *
 * <ol>
 *   <li>an explicit setting ({@code tutti.gpu.cudaLibrary} / {@code tutti.gpu.cublasLibrary}): when
 *       given, it is the only candidate, so a misconfiguration fails loudly instead of finding another library;
 *   <li>the sonames ({@code libcuda.so.1}; {@code libcublas.so.13}, then {@code .12}) through the
 *       dynamic loader ({@code LD_LIBRARY_PATH}, the ld cache);
 *   <li>the toolkit folders ({@code /usr/local/cuda/lib64}, {@code /usr/local/cuda/targets/x86_64-linux/lib});
 *   <li>NVIDIA's pip wheels in a Python virtual environment ({@code $VIRTUAL_ENV}, {@code /opt/torch/.venv}):
 *       {@code site-packages/nvidia/cu13/lib} (CUDA 13) and {@code site-packages/nvidia/cublas/lib} (CUDA 12).
 * </ol>
 *
 * <p>Threads: stateless. Ownership: libraries are opened in the global arena and stay loaded for the
 * life of the process (the driver cannot be unloaded safely anyway).
 */
@SuppressWarnings("restricted") // loading the native libraries is what this class is for
public final class CudaLibraries {

    /** A library that was opened, and the candidate that worked. */
    public record Opened(SymbolLookup lookup, String path) {}

    private CudaLibraries() {}

    /** Candidates for the driver library, in the order they are tried. */
    public static List<String> driverCandidates(Optional<String> explicit) {
        if (explicit.isPresent()) {
            return List.of(explicit.get());
        }
        return List.of("libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1",
                "/usr/local/nvidia/lib64/libcuda.so.1");
    }

    /** Candidates for cuBLAS, in the order they are tried. */
    public static List<String> cublasCandidates(Optional<String> explicit) {
        if (explicit.isPresent()) {
            return List.of(explicit.get());
        }
        List<String> candidates = new ArrayList<>(List.of("libcublas.so.13", "libcublas.so.12"));
        List<Path> folders = new ArrayList<>(List.of(Path.of("/usr/local/cuda/lib64"),
                Path.of("/usr/local/cuda/targets/x86_64-linux/lib")));
        List<Path> venvs = new ArrayList<>();
        Optional.ofNullable(System.getenv("VIRTUAL_ENV")).ifPresent(v -> venvs.add(Path.of(v)));
        venvs.add(Path.of("/opt/torch/.venv"));
        for (Path venv : venvs) {
            Path lib = venv.resolve("lib");
            if (!Files.isDirectory(lib)) {
                continue;
            }
            try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
                for (Path python : pythons) {
                    folders.add(python.resolve("site-packages/nvidia/cu13/lib"));
                    folders.add(python.resolve("site-packages/nvidia/cublas/lib"));
                }
            } catch (java.io.IOException | RuntimeException e) {
                // an unreadable venv is simply not a candidate
            }
        }
        for (Path folder : folders) {
            for (String soname : new String[] {"libcublas.so.13", "libcublas.so.12"}) {
                if (Files.exists(folder.resolve(soname))) {
                    candidates.add(folder.resolve(soname).toString());
                }
            }
        }
        return candidates;
    }

    /**
     * Opens the first candidate that loads.
     *
     * @throws UnsatisfiedLinkError listing every candidate tried
     */
    public static Opened open(String what, List<String> candidates) {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                SymbolLookup lookup = candidate.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
                return new Opened(lookup, candidate);
            } catch (IllegalArgumentException e) {
                tried.add(candidate);
            }
        }
        throw new UnsatisfiedLinkError(what + " not found (tried " + String.join(", ", tried) + ")");
    }
}
