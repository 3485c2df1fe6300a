package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PTX kernel the driver JIT-compiles at load must assemble: checked with NVIDIA's {@code ptxas}
 * where a CUDA toolkit is installed (no GPU needed), skipped otherwise. The stub cannot check PTX.
 */
class BiasActKernelTest {
    @TempDir
    Path dir;

    @Test
    void shouldAssembleForHopper() throws Exception {
        Path ptx = dir.resolve("bias_act.ptx");
        try (InputStream in = dev.tutti.gpu.cuda.CudaDevice.class.getResourceAsStream("bias_act.ptx")) {
            assertThat(in).as("bias_act.ptx is packaged next to CudaDevice").isNotNull();
            Files.write(ptx, in.readAllBytes());
        }
        Process p;
        try {
            p = new ProcessBuilder("ptxas", "-arch=sm_90", "-o", dir.resolve("bias_act.cubin").toString(), ptx.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no ptxas on PATH (a CUDA toolkit): the PTX is checked on the GPU host instead");
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("ptxas output:%n%s", log).isZero();
        assertThat(dir.resolve("bias_act.cubin")).isNotEmptyFile();
    }
}
