package dev.tutti.cpu.onnx;

import ai.onnxruntime.OrtEnvironment;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.util.Optional;
import java.util.Set;

/**
 * Loads ONNX members into ONNX Runtime on the CPU, with one intra-op thread and thread spinning off
 * (more threads or spinning collapse on small machines; see docs/architecture.md).
 *
 * <p>Threads: stateless; ONNX Runtime's environment is a process-wide singleton.
 */
public final class OnnxRuntimeProvider implements MemberRuntimeProvider {
    /** Rank of CPU runtimes: GPU runtimes rank above. */
    public static final int RANK = 100;

    @Override
    public String name() {
        return "onnxruntime-cpu";
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Set<String> formats() {
        return Set.of(ModelFormats.ONNX);
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        try {
            OrtEnvironment.getEnvironment();
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("ONNX Runtime's native library did not load: " + e);
        }
    }

    @Override
    public Member load(ModelSpec spec) throws MemberException {
        return OnnxMember.load(spec);
    }
}
