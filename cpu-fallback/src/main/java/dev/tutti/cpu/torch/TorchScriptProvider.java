package dev.tutti.cpu.torch;

import ai.djl.engine.Engine;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.util.Optional;
import java.util.Set;

/**
 * Loads TorchScript members into DJL's PyTorch engine on the CPU.
 *
 * <p>DJL reads its settings from system properties; unless the caller set them, this provider sets
 * {@code ai.djl.offline=true} (never download: libtorch comes from the {@code pytorch-native-cpu}
 * jar on the class path), one intra-op and one inter-op thread (more threads collapse on small
 * machines), and turns the TorchScript profiling executor off so that a new batch size does not
 * trigger a re-optimisation in the middle of serving.
 *
 * <p>Threads: stateless; starting the engine is done once, lazily, under the class-init lock.
 */
public final class TorchScriptProvider implements MemberRuntimeProvider {
    static final String ENGINE = "PyTorch";

    @Override
    public String name() {
        return "djl-pytorch-cpu";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Set<String> formats() {
        return Set.of(ModelFormats.TORCHSCRIPT);
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        return EngineHolder.FAILURE;
    }

    @Override
    public Member load(ModelSpec spec) throws MemberException {
        if (EngineHolder.FAILURE.isPresent()) {
            throw new MemberException("member " + spec.pin() + ": " + EngineHolder.FAILURE.get());
        }
        return TorchScriptMember.load(spec);
    }

    /** Starts DJL's PyTorch engine on first use and remembers why it failed, if it did. */
    private static final class EngineHolder {
        static final Optional<String> FAILURE = start();

        private static Optional<String> start() {
            setDefault("ai.djl.offline", "true");
            setDefault("ai.djl.pytorch.num_threads", "1");
            setDefault("ai.djl.pytorch.num_interop_threads", "1");
            setDefault("ai.djl.pytorch.graph_optimizer", "false");
            try {
                Engine.getEngine(ENGINE);
                return Optional.empty();
            } catch (RuntimeException | LinkageError e) {
                return Optional.of("DJL's PyTorch engine did not start (is ai.djl.pytorch:pytorch-native-cpu with the"
                        + " linux-x86_64 classifier on the class path, and DJL_CACHE_DIR writable?): " + e);
            }
        }

        private static void setDefault(String key, String value) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        }
    }
}
