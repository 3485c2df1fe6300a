package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.Task;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.NetworkOutput;
import dev.tutti.gpu.cuda.CudaApi;
import dev.tutti.gpu.dense.DenseNetwork;
import dev.tutti.gpu.dense.GpuDenseMember;
import dev.tutti.gpu.dense.OnnxDenseImporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole GPU member path (ONNX import, FFM bindings, device thread, weight upload, pinned buffers,
 * cuBLAS SGEMM per layer, the bias+activation kernel, copies back, output kinds) run against the CPU
 * stub of libcuda/libcublas, checked against ONNX Runtime's own outputs within 1e-4.
 */
class GpuDenseMemberStubTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @AfterEach
    void clearInjection() {
        CudaStub.clear();
    }

    private static CudaApi stubApi() {
        return GpuDiscovery.of(CudaStub.settings(Duration.ofSeconds(30))).api().orElseThrow();
    }

    private static GpuDenseMember load(ModelSpec spec) throws MemberException {
        DenseNetwork network = OnnxDenseImporter.read(spec);
        return GpuDenseMember.load(spec, stubApi(), 0, network, NetworkOutput.of(spec, network.outputs()));
    }

    @Test
    void shouldMatchOnnxRuntimeForABinaryMlpAtEveryBatchSize() throws Exception {
        Path onnx = new DenseOnnx(19, 1).gemm(64, true, 1f, 1f).op("Relu").gemm(32, true, 1f, 1f).op("Tanh").gemm(1, true, 1f, 1f)
                .op("Sigmoid").write(dir.resolve("binary.onnx"), "probability");
        ModelSpec spec = Specs.spec("binary-mlp", onnx, 19, Task.BINARY, 2, Map.of("output", "probability"));
        long before = CudaStub.live();
        try (GpuDenseMember member = load(spec)) {
            // growing, then smaller than the capacity, then growing past twice the capacity
            for (int rows : List.of(1, 7, 300, 5, 1031)) {
                float[] x = Specs.rows(rows, 19, rows);
                float[] expected = OrtReference.run(onnx, x, rows, 19);
                float[][] actual = Specs.score(member, x, rows);
                for (int r = 0; r < rows; r++) {
                    assertThat((double) actual[0][r]).as("row %d of %d", r, rows).isCloseTo(expected[r], org.assertj.core.data.Offset.offset(TOLERANCE));
                }
            }
        }
        assertThat(CudaStub.live()).as("device memory, pinned buffers, stream, handle, module and context all released").isEqualTo(before);
    }

    @Test
    void shouldMatchOnnxRuntimeForAMulticlassMatMulAddSoftmaxNetwork() throws Exception {
        Path onnx = new DenseOnnx(12, 2).matMulAdd(40).op("Relu").matMulAdd(3).op("Softmax").write(dir.resolve("multi.onnx"), "probabilities");
        ModelSpec spec = Specs.spec("multi-mlp", onnx, 12, Task.MULTICLASS, 3, Map.of());
        try (GpuDenseMember member = load(spec)) {
            float[] x = Specs.rows(257, 12, 3);
            float[] expected = OrtReference.run(onnx, x, 257, 12);
            float[][] actual = Specs.score(member, x, 257);
            for (int r = 0; r < 257; r++) {
                for (int k = 0; k < 3; k++) {
                    assertThat((double) actual[k][r]).isCloseTo(expected[r * 3 + k], org.assertj.core.data.Offset.offset(TOLERANCE));
                }
            }
        }
    }

    @Test
    void shouldHonourGemmAlphaBetaAndTheUntransposedWeightLayoutForRegression() throws Exception {
        Path onnx = new DenseOnnx(9, 3).gemm(16, false, 0.5f, 2f).op("Sigmoid").gemm(1, false, 1.5f, -1f)
                .write(dir.resolve("regression.onnx"), "value");
        ModelSpec spec = Specs.spec("regressor", onnx, 9, Task.REGRESSION, 0, Map.of());
        try (GpuDenseMember member = load(spec)) {
            float[] x = Specs.rows(33, 9, 4);
            float[] expected = OrtReference.run(onnx, x, 33, 9);
            float[][] actual = Specs.score(member, x, 33);
            for (int r = 0; r < 33; r++) {
                assertThat((double) actual[0][r]).isCloseTo(expected[r], org.assertj.core.data.Offset.offset(TOLERANCE));
            }
        }
    }

    @Test
    void shouldApplyTheSoftmaxTransformToTwoBinaryLogitsAsTheCpuMemberDoes() throws Exception {
        Path onnx = new DenseOnnx(6, 5).gemm(8, true, 1f, 1f).op("Relu").gemm(2, true, 1f, 1f).write(dir.resolve("logits.onnx"), "logits");
        ModelSpec spec = Specs.spec("logits", onnx, 6, Task.BINARY, 2, Map.of("transform", "softmax"));
        try (GpuDenseMember member = load(spec)) {
            float[] x = Specs.rows(20, 6, 6);
            float[] logits = OrtReference.run(onnx, x, 20, 6);
            float[][] actual = Specs.score(member, x, 20);
            for (int r = 0; r < 20; r++) {
                double p1 = 1 / (1 + Math.exp(logits[2 * r] - logits[2 * r + 1]));
                assertThat((double) actual[0][r]).isCloseTo(p1, org.assertj.core.data.Offset.offset(TOLERANCE));
            }
        }
    }

    @Test
    void shouldNameTheCallAndTheErrorCodeWhenCudaFails() throws Exception {
        Path onnx = new DenseOnnx(4, 7).gemm(3, true, 1f, 1f).op("Relu").gemm(1, true, 1f, 1f).write(dir.resolve("small.onnx"), "y");
        ModelSpec spec = Specs.spec("small", onnx, 4, Task.REGRESSION, 0, Map.of());
        long before = CudaStub.live();
        CudaStub.fail("cuMemAlloc_v2", 2, 2); // the third allocation: the second layer's weights
        assertThatThrownBy(() -> load(spec)).isInstanceOf(MemberException.class)
                .hasMessageContaining("member small@1").hasMessageContaining("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)");
        CudaStub.clear();
        assertThat(CudaStub.live()).as("a failed load leaves nothing allocated").isEqualTo(before);

        // the load's warm-up pass runs the layers: a failing GEMM fails the load, and nothing stays allocated
        CudaStub.fail("cublasSgemm_v2", 0, 13);
        assertThatThrownBy(() -> load(spec)).isInstanceOf(MemberException.class)
                .hasMessageContaining("member small@1: its warm-up pass on CUDA device 0 failed")
                .hasMessageContaining("cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED (13)");
        CudaStub.clear();
        assertThat(CudaStub.live()).as("a failed warm-up leaves nothing allocated").isEqualTo(before);

        try (Member member = load(spec)) {
            CudaStub.fail("cublasSgemm_v2", 0, 13);
            assertThatThrownBy(() -> Specs.score(member, Specs.rows(2, 4, 1), 2)).isInstanceOf(MemberException.class)
                    .hasMessageContaining("cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED (13)");
            CudaStub.clear();
        }
    }

    /**
     * An engine worker interrupted while its batch waits for the device (the service closing, a
     * cancelled call) still gets the batch scored: the device work is not abandoned half way, the
     * device is not reported failed, and the interrupt is kept for the worker to see.
     */
    @Test
    void anInterruptedCallerStillGetsItsBatchAndKeepsTheInterrupt() throws Exception {
        Path onnx = new DenseOnnx(4, 9).gemm(6, true, 1f, 1f).op("Relu").gemm(1, true, 1f, 1f).write(dir.resolve("wait.onnx"), "y");
        ModelSpec spec = Specs.spec("wait", onnx, 4, Task.REGRESSION, 0, Map.of());
        float[] x = Specs.rows(5, 4, 2);
        float[] expected = OrtReference.run(onnx, x, 5, 4);
        try (GpuDenseMember member = load(spec)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // another user keeps the device thread busy, so the batch below waits in its queue
            Thread holder = Thread.ofPlatform().start(() -> member.device().call(() -> {
                holding.countDown();
                Waits.awaitUninterruptibly(release);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicReference<float[][]> scores = new AtomicReference<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    scores.set(Specs.score(member, x, 5));
                } catch (Throwable e) {
                    error.set(e);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            Waits.interruptOnceWaiting(worker);
            release.countDown();
            worker.join(10_000);
            holder.join(10_000);
            assertThat(error.get()).as("the interrupted call's outcome").isNull();
            for (int r = 0; r < 5; r++) {
                assertThat((double) scores.get()[0][r]).isCloseTo(expected[r], org.assertj.core.data.Offset.offset(TOLERANCE));
            }
            assertThat(interruptedAfter.get()).as("the worker's interrupt is kept").isTrue();
            assertThat(member.device().broken()).isFalse();
        }
    }

    @Test
    void shouldRefuseToScoreAfterClose() throws Exception {
        Path onnx = new DenseOnnx(4, 8).gemm(1, true, 1f, 1f).write(dir.resolve("closed.onnx"), "y");
        ModelSpec spec = Specs.spec("closed", onnx, 4, Task.REGRESSION, 0, Map.of());
        Member member = load(spec);
        member.close();
        assertThatThrownBy(() -> Specs.score(member, Specs.rows(1, 4, 1), 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
