package dev.tutti.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.Task;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The back-off of {@link TwinFallbackMember}, on a clock the test moves. */
class TwinFallbackMemberTest {
    private static final ModelSpec SPEC = Specs.spec("m", Path.of("m.onnx"), 2, Task.REGRESSION, 0, Map.of());

    /** A member that writes a constant, or throws when told to. */
    private static final class Fake implements Member {
        final float value;
        boolean failing;
        int batches;
        boolean closed;

        Fake(float value) {
            this.value = value;
        }

        @Override
        public ModelSpec spec() {
            return SPEC;
        }

        @Override
        public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
            if (failing) {
                throw new MemberException("injected");
            }
            for (int r = 0; r < rows; r++) {
                out.put(0, r, value);
            }
            batches++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void shouldWaitOutADoublingBackOffBeforeProbingTheGpuAgain() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicInteger loads = new AtomicInteger();
        Fake first = new Fake(1f);
        Fake twin = new Fake(2f);
        boolean[] loaderFails = {true};
        TwinFallbackMember member = new TwinFallbackMember(SPEC, "gpu", first, () -> {
            loads.incrementAndGet();
            if (loaderFails[0]) {
                throw new MemberException("device still gone");
            }
            return new Fake(1f);
        }, twin, "cpu", Duration.ofNanos(100), now::get);

        assertThat(Specs.score(member, new float[4], 2)[0]).containsExactly(1f, 1f);
        first.failing = true;
        assertThat(Specs.score(member, new float[4], 2)[0]).as("the failed batch is answered by the twin").containsExactly(2f, 2f);
        assertThat(first.closed).isTrue();

        now.set(99);
        Specs.score(member, new float[4], 2);
        assertThat(loads).as("no probe before the back-off").hasValue(0);
        now.set(100);
        assertThat(Specs.score(member, new float[4], 2)[0]).containsExactly(2f, 2f);
        assertThat(loads).as("probed at 100; failed: next at 100 + 200").hasValue(1);
        now.set(299);
        Specs.score(member, new float[4], 2);
        assertThat(loads).hasValue(1);
        loaderFails[0] = false;
        now.set(300);
        assertThat(Specs.score(member, new float[4], 2)[0]).containsExactly(1f, 1f);
        assertThat(loads).hasValue(2);
        assertThat(member.onFallback()).isFalse();
        assertThat(member.fallbackBatches()).isEqualTo(4);
        assertThat(member.primaryFailures()).isEqualTo(2);
        assertThat(member.recoveries()).isEqualTo(1);
        member.close();
        assertThat(twin.closed).isTrue();
    }
}
