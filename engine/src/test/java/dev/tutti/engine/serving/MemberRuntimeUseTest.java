package dev.tutti.engine.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.spi.RuntimeStatus;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class MemberRuntimeUseTest {

    /** A member bound to one runtime (only its type is read). */
    private static class Plain implements Member {
        @Override
        public ModelSpec spec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void score(FloatBuffer input, int rows, MemberOutput out) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    /** A member reporting a fixed runtime status (only the status is read). */
    private static final class Switching extends Plain implements RuntimeStatus {
        @Override
        public String activeRuntime() {
            return "onnxruntime-cpu";
        }

        @Override
        public boolean onFallback() {
            return true;
        }

        @Override
        public long fallbackBatches() {
            return 7;
        }

        @Override
        public long primaryFailures() {
            return 1;
        }

        @Override
        public long recoveries() {
            return 0;
        }
    }

    @Test
    void shouldReadTheStatusOfAMemberThatCanFallBack() {
        assertThat(MemberRuntimeUse.of(new Switching())).isEqualTo(new MemberRuntimeUse(true, "onnxruntime-cpu", true, 7, 1, 0));
    }

    @Test
    void shouldCallAMemberBoundToOneRuntimeFixed() {
        assertThat(MemberRuntimeUse.of(new Plain())).isEqualTo(MemberRuntimeUse.FIXED);
        assertThat(MemberRuntimeUse.FIXED.switchable()).isFalse();
    }
}
