package dev.tutti.batching;

import java.nio.FloatBuffer;

/**
 * A batch of rows handed to a {@link BatchHandler}: the features as one direct, native-order buffer
 * of {@code rows() x width()} floats from index 0, and per row its request, its index within that
 * request, its latency tier, deadline and enqueue time.
 *
 * <p>The feature buffer is a view of the ring's own memory (rows are copied once, by the producer,
 * into their slot); it is valid only during {@link BatchHandler#onBatch}. A request's rows are
 * consecutive within a batch, but a large request may span two batches.
 *
 * <p>Threads: the batcher thread only. Allocation: none; one instance is reused for every batch.
 */
public final class Batch<R> {
    private final int width;
    private final RowSlot[] slots;
    private FloatBuffer features;
    private int rows;
    private long formedNanos;
    private long sequence;

    Batch(int width, int maxRows) {
        this.width = width;
        this.slots = new RowSlot[maxRows];
    }

    void set(FloatBuffer features, int rows, long formedNanos, long sequence) {
        this.features = features;
        this.rows = rows;
        this.formedNanos = formedNanos;
        this.sequence = sequence;
    }

    RowSlot[] slots() {
        return slots;
    }

    /** {@code rows() x width()} floats, row-major, from index 0; direct and native-order. */
    public FloatBuffer features() {
        return features;
    }

    public int rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    /** The request that row {@code i} belongs to. */
    @SuppressWarnings("unchecked")
    public R request(int i) {
        return (R) slots[i].request;
    }

    /** Row {@code i}'s index within its request. */
    public int rowOfRequest(int i) {
        return slots[i].row;
    }

    /** How many rows row {@code i}'s request has in all. */
    public int rowsOfRequest(int i) {
        return slots[i].rows;
    }

    public int tier(int i) {
        return slots[i].tier;
    }

    /** Row {@code i}'s deadline on the {@link System#nanoTime()} clock. */
    public long deadlineNanos(int i) {
        return slots[i].deadlineNanos;
    }

    /** When row {@code i} was put in the ring ({@link System#nanoTime()}). */
    public long enqueuedNanos(int i) {
        return slots[i].enqueuedNanos;
    }

    /** When the batch was handed to the handler ({@link System#nanoTime()}). */
    public long formedNanos() {
        return formedNanos;
    }

    /** The ring sequence of the batch's first row: increases from batch to batch. */
    public long sequence() {
        return sequence;
    }

    /** The earliest deadline of the batch's rows. */
    public long earliestDeadlineNanos() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < rows; i++) {
            earliest = Math.min(earliest, slots[i].deadlineNanos);
        }
        return earliest;
    }
}
