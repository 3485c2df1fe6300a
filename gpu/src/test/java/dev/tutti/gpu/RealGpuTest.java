package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tutti.combine.Task;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.RuntimeStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real CUDA device (tag {@code gpu}: left out of the default build, run by gpu/scripts/gpu-run.sh):
 * the GPU member against ONNX Runtime on the CPU within 1e-4, through the provider the engine uses.
 * Skipped, with the discovery's reason, where there is no usable device.
 */
@Tag("gpu")
class RealGpuTest {
    private static GpuSettings settings;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireGpu() {
        settings = GpuSettings.fromSystem();
        GpuDiscovery found = GpuDiscovery.of(settings);
        assumeTrue(found.unavailable().isEmpty(), () -> "no usable GPU: " + found.unavailable().orElse(""));
        System.out.println("GPU: " + found.devices() + " driver " + found.api().orElseThrow().driverLibrary() + " cuBLAS "
                + found.api().orElseThrow().cublasLibrary());
    }

    @Test
    void shouldMatchOnnxRuntimeOnTheDeviceForEveryActivationAndBatchSize() throws Exception {
        Path onnx = new DenseOnnx(19, 1).gemm(64, true, 1f, 1f).op("Relu").gemm(32, true, 1f, 1f).op("Tanh").gemm(16, false, 0.5f, 2f)
                .op("Sigmoid").gemm(1, true, 1f, 1f).op("Sigmoid").write(dir.resolve("binary.onnx"), "probability");
        check(onnx, Specs.spec("binary", onnx, 19, Task.BINARY, 2, Map.of()), 19, 1);
    }

    @Test
    void shouldMatchOnnxRuntimeForAMulticlassSoftmaxNetwork() throws Exception {
        Path onnx = new DenseOnnx(12, 2).matMulAdd(40).op("Relu").matMulAdd(3).op("Softmax").write(dir.resolve("multi.onnx"), "p");
        check(onnx, Specs.spec("multi", onnx, 12, Task.MULTICLASS, 3, Map.of()), 12, 3);
    }

    @Test
    void shouldMatchOnnxRuntimeForThreeLayersOf256AtBatch4096() throws Exception {
        Path onnx = new DenseOnnx(256, 3).gemm(256, true, 1f, 1f).op("Relu").gemm(256, true, 1f, 1f).op("Relu").gemm(256, true, 1f, 1f)
                .op("Relu").gemm(1, true, 1f, 1f).write(dir.resolve("mlp256.onnx"), "value");
        check(onnx, Specs.spec("mlp256", onnx, 256, Task.REGRESSION, 0, Map.of()), 256, 1);
    }

    /**
     * The bundled ensembles' trained MLPs, whose feature encoding (imputation, scaling, one-hot) runs
     * on the host before the layers go to the device: against ONNX Runtime on the CPU, on rows with
     * missing values, small integer codes and wide numbers. The files come with the GPU bundle
     * ({@code models/}) or from the repository's {@code ensembles/} when run in the module.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"telco-churn", "spam"})
    void shouldMatchOnnxRuntimeForABundledMlpWithItsFeatureEncoding(String ensemble) throws Exception {
        Path onnx = bundledMlp(ensemble);
        assumeTrue(onnx != null, () -> "the " + ensemble + " MLP file is neither in models/ nor in ../ensembles/");
        int width;
        try (var session = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(onnx.toString())) {
            width = (int) ((ai.onnxruntime.TensorInfo) session.getInputInfo().values().iterator().next().getInfo()).getShape()[1];
        }
        ModelSpec spec = Specs.spec(ensemble + "-mlp", onnx, width, Task.BINARY, 2, Map.of());
        try (Member member = new GpuRuntimeProvider(settings, List::of).load(spec)) {
            assertThat(((RuntimeStatus) member).activeRuntime()).isEqualTo("cuda-ffm");
            java.util.Random random = new java.util.Random(11);
            for (int rows : List.of(1, 256, 4096)) {
                float[] x = new float[rows * width];
                for (int i = 0; i < x.length; i++) {
                    int kind = random.nextInt(10);
                    x[i] = kind == 0 ? Float.NaN : kind < 5 ? random.nextInt(4) : (float) (random.nextGaussian() * 20 + 10);
                }
                float[] expected = OrtReference.run(onnx, x, rows, width);
                int columns = expected.length / rows;
                float[][] actual = Specs.score(member, x, rows);
                double worst = 0;
                for (int r = 0; r < rows; r++) {
                    double e = expected[r * columns + columns - 1];
                    worst = Math.max(worst, Math.abs(actual[0][r] - e));
                    assertThat((double) actual[0][r]).as("%s row %d of %d", ensemble, r, rows).isCloseTo(e, offset(1e-4));
                }
                System.out.printf("GPU parity %s MLP (feature encoding on the host) batch %d: max |gpu - onnxruntime| = %.2e%n",
                        ensemble, rows, worst);
            }
        }
    }

    private static Path bundledMlp(String ensemble) {
        for (Path candidate : List.of(Path.of("models", ensemble + "-mlp.onnx"),
                Path.of("..", "ensembles", ensemble, "1", "members", "mlp-onnx", "1", "model.onnx"),
                Path.of("ensembles", ensemble, "1", "members", "mlp-onnx", "1", "model.onnx"))) {
            if (java.nio.file.Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    private static void check(Path onnx, ModelSpec spec, int width, int columns) throws Exception {
        try (Member member = new GpuRuntimeProvider(settings, List::of).load(spec)) {
            assertThat(((RuntimeStatus) member).activeRuntime()).isEqualTo("cuda-ffm");
            for (int rows : List.of(1, 7, 256, 4096, 33)) {
                float[] x = Specs.rows(rows, width, rows);
                float[] expected = OrtReference.run(onnx, x, rows, width);
                float[][] actual = Specs.score(member, x, rows);
                double worst = 0;
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < columns; k++) {
                        worst = Math.max(worst, Math.abs(actual[k][r] - expected[r * columns + k]));
                        assertThat((double) actual[k][r]).as("%s row %d col %d of %d", spec.name(), r, k, rows)
                                .isCloseTo(expected[r * columns + k], offset(1e-4));
                    }
                }
                System.out.printf("GPU parity %s batch %d: max |gpu - onnxruntime| = %.2e%n", spec.name(), rows, worst);
            }
            assertThat(((RuntimeStatus) member).onFallback()).isFalse();
        }
    }
}
