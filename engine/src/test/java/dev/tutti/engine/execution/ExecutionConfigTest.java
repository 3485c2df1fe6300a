package dev.tutti.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExecutionConfigTest {

    @Test
    void shouldSpinTwoHundredMicrosecondsByDefaultAndTakeZero() {
        assertThat(ExecutionConfig.defaults().workerSpin()).isEqualTo(Duration.ofNanos(200_000));
        assertThat(ExecutionConfig.defaults().withWorkerSpin(Duration.ZERO).workerSpin()).isZero();
        assertThat(ExecutionConfig.defaults().withWorkers(3).withWorkerSpin(Duration.ofMillis(1)).workers()).isEqualTo(3);
    }

    @Test
    void shouldRefuseAWorkerSpinOutsideZeroToTenMilliseconds() {
        ExecutionConfig config = ExecutionConfig.defaults();
        assertThatThrownBy(() -> config.withWorkerSpin(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerSpin").hasMessageContaining("10 ms");
        assertThatThrownBy(() -> config.withWorkerSpin(Duration.ofMillis(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workerSpin").hasMessageContaining("11000 us");
        assertThatThrownBy(() -> config.withWorkerSpin(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("workerSpin");
    }
}
