package dev.tutti.bench.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tutti.combine.ScoreMatrix;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Param;

/**
 * Every case the kernel benchmarks measure builds, runs, and gives the same answer in its scalar and
 * SIMD versions (a fast wrong answer is a bug, docs BENCHMARKING.md): the benchmark classes driven by
 * hand, without JMH, on their own parameter values.
 */
class KernelBenchmarkParityTest {

    static Stream<String> kernels() throws NoSuchFieldException {
        return params(CombineKernelBenchmark.class, "kernel");
    }

    static Stream<String> tasks() throws NoSuchFieldException {
        return params(ConfidenceKernelBenchmark.class, "task");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void shouldCombineEveryBenchmarkedCaseAlikeInScalarAndSimd(String kernel) {
        ScoreMatrix scalar = combine(kernel, "scalar");
        ScoreMatrix simd = combine(kernel, "simd");

        for (int k = 0; k < scalar.outputs(); k++) {
            for (int row = 0; row < scalar.rows(); row++) {
                // 10 members: the bound of combine-kernels' VectorKernelParityTest is below 1e-4 even for stacking
                assertThat(simd.get(0, k, row)).as("%s output %d row %d", kernel, k, row)
                        .isCloseTo(scalar.get(0, k, row), within(1e-4f * Math.max(1, Math.abs(scalar.get(0, k, row)))));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void shouldComputeEveryBenchmarkedConfidenceAlikeInScalarAndSimd(String task) {
        ConfidenceKernelBenchmark scalar = confidence(task, "scalar");
        ConfidenceKernelBenchmark simd = confidence(task, "simd");

        assertThat(simd.predictedClass()).containsExactly(scalar.predictedClass());
        assertThat(simd.margin()).containsExactly(scalar.margin());
        assertThat(simd.entropy()).containsExactly(scalar.entropy(), within(1e-5f));
        assertThat(simd.agreement()).containsExactly(scalar.agreement(), within(1e-4f));
    }

    private static ScoreMatrix combine(String kernel, String implementation) {
        CombineKernelBenchmark benchmark = new CombineKernelBenchmark();
        benchmark.kernel = kernel;
        benchmark.shape = "256x10";
        benchmark.implementation = implementation;
        benchmark.inputs = "rotating";
        benchmark.setUp();
        return benchmark.combine();
    }

    private static ConfidenceKernelBenchmark confidence(String task, String implementation) {
        ConfidenceKernelBenchmark benchmark = new ConfidenceKernelBenchmark();
        benchmark.task = task;
        benchmark.shape = "256x10";
        benchmark.implementation = implementation;
        benchmark.setUp();
        return benchmark;
    }

    private static Stream<String> params(Class<?> type, String field) throws NoSuchFieldException {
        Field f = type.getField(field);
        return Arrays.stream(f.getAnnotation(Param.class).value());
    }
}
