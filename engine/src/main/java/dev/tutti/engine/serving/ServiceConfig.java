package dev.tutti.engine.serving;

import dev.tutti.batching.WaitStrategyKind;
import dev.tutti.engine.execution.ExecutionConfig;
import java.util.Objects;

/**
 * Settings of an {@link EnsembleService}.
 *
 * @param ringRows rows the request ring holds, a power of two: the bound on queued rows (default 4096)
 * @param maxBatchRows the batch cap (default 256)
 * @param maxRowsPerRequest the largest request accepted (default 1024)
 * @param waitStrategy how the batcher waits for rows (default blocking)
 * @param execution how members run: workers, quorum, fallback, tier budgets, circuit breakers
 */
public record ServiceConfig(int ringRows, int maxBatchRows, int maxRowsPerRequest, WaitStrategyKind waitStrategy,
        ExecutionConfig execution) {

    public ServiceConfig {
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Objects.requireNonNull(execution, "execution");
    }

    public static ServiceConfig defaults() {
        return new ServiceConfig(4096, 256, 1024, WaitStrategyKind.BLOCKING, ExecutionConfig.defaults());
    }

    public ServiceConfig withBatching(int ringRows, int maxBatchRows, int maxRowsPerRequest) {
        return new ServiceConfig(ringRows, maxBatchRows, maxRowsPerRequest, waitStrategy, execution);
    }

    public ServiceConfig withWaitStrategy(WaitStrategyKind waitStrategy) {
        return new ServiceConfig(ringRows, maxBatchRows, maxRowsPerRequest, waitStrategy, execution);
    }

    public ServiceConfig withExecution(ExecutionConfig execution) {
        return new ServiceConfig(ringRows, maxBatchRows, maxRowsPerRequest, waitStrategy, execution);
    }
}
