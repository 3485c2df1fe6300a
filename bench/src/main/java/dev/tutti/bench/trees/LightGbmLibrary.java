package dev.tutti.bench.trees;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import com.microsoft.ml.lightgbm.lightgbmlibConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * LightGBM's own library (lightgbmlib 3.3.510, the C++ library through SWIG): trains the benchmark
 * models and is the baseline predictor.
 *
 * <p>The jar carries its natives but does not load them: {@link #load} extracts them and calls
 * {@link System#load} from this class, which must be in the class loader of the lightgbmlib classes
 * (JNI binds a library to the loader of the caller): true for the benchmarks jar, not for a
 * single-file source program beside a jar on the class path.
 *
 * <p>Threads: {@link #load} is synchronized; a {@link Predictor} is used by one thread at a time.
 */
final class LightGbmLibrary {
    private static boolean loaded;

    private LightGbmLibrary() {}

    static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("tutti-lightgbm");
            for (String lib : new String[] {"lib_lightgbm.so", "lib_lightgbm_swig.so"}) {
                try (InputStream in = lightgbmlib.class.getResourceAsStream("/com/microsoft/ml/lightgbm/linux/x86_64/" + lib)) {
                    if (in == null) {
                        throw new IOException(lib + " not found in the lightgbmlib jar");
                    }
                    Files.copy(in, dir.resolve(lib), StandardCopyOption.REPLACE_EXISTING);
                }
                System.load(dir.resolve(lib).toString());
            }
            loaded = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trains on {@code data} for {@code iterations} iterations with {@code params} and saves the model text to {@code file}. */
    static void train(SharedDataset data, String params, int iterations, Path file) {
        load();
        int rows = data.rowCount();
        int width = data.width();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment matrix = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data.rows());
            MemorySegment labels = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data.labels());
            SWIGTYPE_p_p_void datasetOut = lightgbmlib.voidpp_handle();
            check(lightgbmlib.LGBM_DatasetCreateFromMat(new Pointer(matrix), lightgbmlibConstants.C_API_DTYPE_FLOAT32, rows, width,
                    1, params, null, datasetOut), "DatasetCreateFromMat");
            SWIGTYPE_p_void dataset = lightgbmlib.voidpp_value(datasetOut);
            check(lightgbmlib.LGBM_DatasetSetField(dataset, "label", new Pointer(labels), rows,
                    lightgbmlibConstants.C_API_DTYPE_FLOAT32), "DatasetSetField");
            SWIGTYPE_p_p_void boosterOut = lightgbmlib.voidpp_handle();
            check(lightgbmlib.LGBM_BoosterCreate(dataset, params, boosterOut), "BoosterCreate");
            SWIGTYPE_p_void booster = lightgbmlib.voidpp_value(boosterOut);
            SWIGTYPE_p_int finished = lightgbmlib.new_intp();
            for (int i = 0; i < iterations; i++) {
                check(lightgbmlib.LGBM_BoosterUpdateOneIter(booster, finished), "BoosterUpdateOneIter");
            }
            check(lightgbmlib.LGBM_BoosterSaveModel(booster, 0, -1, 0, file.toString()), "BoosterSaveModel");
            lightgbmlib.LGBM_BoosterFree(booster);
            lightgbmlib.LGBM_DatasetFree(dataset);
            lightgbmlib.delete_intp(finished);
        }
    }

    /**
     * A booster loaded from a model file, predicting batches of float32 rows single-threaded
     * ({@code LGBM_BoosterPredictForMat}, {@code num_threads=1}). Rows are copied per call into a
     * native buffer (one bulk copy, as any caller holding Java rows must) and the results are read
     * back in place.
     */
    static final class Predictor implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final SWIGTYPE_p_void booster;
        private final int outputs;
        private final int width;
        private final int capacity;
        private final MemorySegment input;
        private final MemorySegment result;
        private final Pointer inputPointer;
        private final Doubles resultPointer;
        private final SWIGTYPE_p_long_long length;

        Predictor(Path model, int width, int capacity) {
            load();
            SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
            SWIGTYPE_p_p_void out = lightgbmlib.voidpp_handle();
            check(lightgbmlib.LGBM_BoosterCreateFromModelfile(model.toString(), iterations, out), "CreateFromModelfile");
            booster = lightgbmlib.voidpp_value(out);
            SWIGTYPE_p_int classes = lightgbmlib.new_intp();
            check(lightgbmlib.LGBM_BoosterGetNumClasses(booster, classes), "GetNumClasses");
            outputs = lightgbmlib.intp_value(classes);
            this.width = width;
            this.capacity = capacity;
            input = arena.allocate(ValueLayout.JAVA_FLOAT, (long) capacity * width);
            result = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) capacity * outputs);
            inputPointer = new Pointer(input);
            resultPointer = new Doubles(result);
            length = lightgbmlib.new_int64_tp();
            lightgbmlib.delete_intp(iterations);
            lightgbmlib.delete_intp(classes);
        }

        int outputs() {
            return outputs;
        }

        /** Predicts {@code rows} rows of {@code data} from row {@code from}; returns the first output of the last row. */
        double predict(float[] data, int from, int rows) {
            if (rows > capacity) {
                throw new IllegalArgumentException(rows + " rows > capacity " + capacity);
            }
            MemorySegment.copy(data, from * width, input, ValueLayout.JAVA_FLOAT, 0, rows * width);
            check(lightgbmlib.LGBM_BoosterPredictForMat(booster, inputPointer, lightgbmlibConstants.C_API_DTYPE_FLOAT32, rows,
                    width, 1, lightgbmlibConstants.C_API_PREDICT_NORMAL, 0, -1, "num_threads=1", length, resultPointer),
                    "PredictForMat");
            return result(rows - 1, 0);
        }

        /** Output {@code o} of row {@code r} of the last {@link #predict}. */
        double result(int r, int o) {
            return result.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) r * outputs + o);
        }

        @Override
        public void close() {
            lightgbmlib.LGBM_BoosterFree(booster);
            lightgbmlib.delete_int64_tp(length);
            arena.close();
        }
    }

    /** A SWIG {@code void*} at the address of a native segment (SWIG's constructor is protected). */
    private static final class Pointer extends SWIGTYPE_p_void {
        Pointer(MemorySegment segment) {
            super(segment.address(), false);
        }
    }

    /** A SWIG {@code double*} at the address of a native segment. */
    private static final class Doubles extends SWIGTYPE_p_double {
        Doubles(MemorySegment segment) {
            super(segment.address(), false);
        }
    }

    private static void check(int code, String call) {
        if (code != 0) {
            throw new IllegalStateException("LightGBM " + call + " failed: " + lightgbmlib.LGBM_GetLastError());
        }
    }
}
