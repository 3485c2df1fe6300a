package dev.tutti.batching;

import java.util.Objects;

/**
 * Settings of one {@link MicroBatcher}, validated once by {@link #conclude()} (Aeron's context
 * style): set what differs from the defaults, then hand it to the batcher, which concludes it.
 *
 * <ul>
 *   <li>{@code width}: floats per row (required);
 *   <li>{@code ringRows}: rows the ring holds, a power of two (default 4096): the bound on rows
 *       waiting; a request that does not fit in the free slots is refused as overloaded at once;
 *   <li>{@code maxBatchRows}: the batch cap (default 256);
 *   <li>{@code maxRowsPerRequest}: the largest request accepted (default {@code ringRows});
 *   <li>{@code waitStrategy}: how the batcher waits (default {@link WaitStrategyKind#BLOCKING});
 *   <li>{@code threadName}: the batcher thread's name (default {@code tutti-batcher}).
 * </ul>
 *
 * <p>Threads: configure on one thread before starting the batcher; read-only afterwards.
 */
public final class BatchingConfig {
    private int width;
    private int ringRows = 4096;
    private int maxBatchRows = 256;
    private int maxRowsPerRequest = -1;
    private WaitStrategyKind waitStrategy = WaitStrategyKind.BLOCKING;
    private String threadName = "tutti-batcher";
    private boolean concluded;

    public BatchingConfig width(int width) {
        checkNotConcluded();
        this.width = width;
        return this;
    }

    public BatchingConfig ringRows(int ringRows) {
        checkNotConcluded();
        this.ringRows = ringRows;
        return this;
    }

    public BatchingConfig maxBatchRows(int maxBatchRows) {
        checkNotConcluded();
        this.maxBatchRows = maxBatchRows;
        return this;
    }

    public BatchingConfig maxRowsPerRequest(int maxRowsPerRequest) {
        checkNotConcluded();
        this.maxRowsPerRequest = maxRowsPerRequest;
        return this;
    }

    public BatchingConfig waitStrategy(WaitStrategyKind waitStrategy) {
        checkNotConcluded();
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy");
        return this;
    }

    public BatchingConfig threadName(String threadName) {
        checkNotConcluded();
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        return this;
    }

    public int width() {
        return width;
    }

    public int ringRows() {
        return ringRows;
    }

    public int maxBatchRows() {
        return maxBatchRows;
    }

    public int maxRowsPerRequest() {
        return maxRowsPerRequest;
    }

    public WaitStrategyKind waitStrategy() {
        return waitStrategy;
    }

    public String threadName() {
        return threadName;
    }

    /**
     * Validates the settings and fills derived defaults; later changes are refused.
     *
     * @throws IllegalArgumentException naming the setting and its allowed range
     */
    public BatchingConfig conclude() {
        if (concluded) {
            return this;
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1 float per row, not " + width);
        }
        if (ringRows < 2 || Integer.bitCount(ringRows) != 1 || ringRows > (1 << 24)) {
            throw new IllegalArgumentException("ringRows must be a power of two in [2, 2^24], not " + ringRows);
        }
        if (maxBatchRows < 1 || maxBatchRows > ringRows) {
            throw new IllegalArgumentException("maxBatchRows must be in [1, ringRows=" + ringRows + "], not " + maxBatchRows);
        }
        if ((long) (ringRows + maxBatchRows) * width > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("ringRows x width is too large: " + ringRows + " x " + width);
        }
        if (maxRowsPerRequest == -1) {
            maxRowsPerRequest = ringRows;
        }
        if (maxRowsPerRequest < 1 || maxRowsPerRequest > ringRows) {
            throw new IllegalArgumentException("maxRowsPerRequest must be in [1, ringRows=" + ringRows + "], not " + maxRowsPerRequest);
        }
        concluded = true;
        return this;
    }

    private void checkNotConcluded() {
        if (concluded) {
            throw new IllegalStateException("the batching configuration is in use and can no longer change");
        }
    }
}
