package dev.tutti.trainer.family;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * LightGBM's C++ library (lightgbmlib 3.3.510 through SWIG). The jar carries its natives but does
 * not load them: {@link #load} extracts both and {@link System#load}s them from this class, which
 * shares the lightgbmlib classes' class loader (JNI binds a library to the caller's loader).
 * Native memory for matrices comes from {@link java.lang.foreign.Arena}s and is handed to SWIG as
 * pointers ({@link Pointer}, {@link Doubles}), one bulk copy instead of a JNI call per value.
 *
 * <p>Threads: {@link #load} is synchronized and idempotent.
 */
final class LightGbmNative {
    private static boolean loaded;

    private LightGbmNative() {}

    @SuppressWarnings("restricted") // loading a native library is the point; the launcher grants native access
    static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("tutti-lightgbm");
            dir.toFile().deleteOnExit();
            for (String lib : new String[] {"lib_lightgbm.so", "lib_lightgbm_swig.so"}) {
                try (InputStream in = lightgbmlib.class.getResourceAsStream("/com/microsoft/ml/lightgbm/linux/x86_64/" + lib)) {
                    if (in == null) {
                        throw new IOException(lib + " is not in the lightgbmlib jar (only linux x86_64 is packaged)");
                    }
                    Files.copy(in, dir.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
                }
                dir.resolve(lib).toFile().deleteOnExit();
                System.load(dir.resolve(lib).toString());
            }
            loaded = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack LightGBM's native libraries: " + e.getMessage(), e);
        }
    }

    static void check(int code, String call) {
        if (code != 0) {
            throw new IllegalStateException("LightGBM " + call + " failed: " + lightgbmlib.LGBM_GetLastError());
        }
    }

    /** A SWIG {@code void*} at a native segment's address (SWIG's constructor is protected). */
    static final class Pointer extends SWIGTYPE_p_void {
        Pointer(MemorySegment segment) {
            super(segment.address(), false);
        }
    }

    /** A SWIG {@code double*} at a native segment's address. */
    static final class Doubles extends SWIGTYPE_p_double {
        Doubles(MemorySegment segment) {
            super(segment.address(), false);
        }
    }
}
