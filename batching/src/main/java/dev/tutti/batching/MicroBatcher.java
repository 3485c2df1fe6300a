package dev.tutti.batching;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The dynamic micro-batcher: an LMAX Disruptor ring of preallocated row slots that any number of
 * producers fill, and one batcher thread that drains it into batches for a {@link BatchHandler}.
 *
 * <p><b>Producers</b> ({@link #submit}) claim as many consecutive slots as the request has rows
 * with {@code tryNext(n)}, copy the rows in place into the ring's feature memory, and publish in
 * {@code finally}. When the free slots do not suffice the call returns {@link Submission#OVERLOADED}
 * at once: nothing waits, nothing is queued elsewhere, memory stays bounded by the ring.
 *
 * <p><b>The batcher thread</b> takes every row that is available, up to {@code maxBatchRows}, and
 * calls the handler at the end of each run of available rows (Disruptor's {@code endOfBatch}) or at
 * the cap. It never holds rows back for a timer: under light load a request is handled as soon as
 * the batcher is free; under load the rows that arrive while a batch is being scored form the next,
 * larger batch. A batch's features are a view of the ring's memory (no second copy); the ring keeps
 * {@code maxBatchRows} spare rows past its end so that a batch that wraps around is made contiguous
 * by copying only its wrapped rows.
 *
 * <p>Threads: {@link #submit} from any thread; the handler runs on the one batcher thread.
 * Ownership: the batcher owns its thread and its direct memory; {@link #close} drains what was
 * accepted, then stops the thread. Allocation: none per batch, and none per request through the
 * buffer overload of {@code submit}.
 *
 * @param <R> the caller's per-request handle, passed through to the handler
 */
public final class MicroBatcher<R> implements AutoCloseable {
    private final BatchingConfig config;
    private final BatchHandler<R> handler;
    private final int width;
    private final int ringRows;
    private final FloatBuffer memory;
    private final FloatBuffer[] views;
    private final RingBuffer<RowSlot> ring;
    private final BatchEventProcessor<RowSlot> processor;
    private final Batch<R> batch;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Producers inside {@link #submit}: close waits for them so that no claimed row is left behind. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean accepting;
    private Thread thread;

    private final LongAdder acceptedRequests = new LongAdder();
    private final LongAdder acceptedRows = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile long batches;
    private volatile long batchedRows;
    private volatile long handlerFailures;

    public MicroBatcher(BatchingConfig config, BatchHandler<R> handler) {
        this.config = config.conclude();
        this.handler = handler;
        this.width = config.width();
        this.ringRows = config.ringRows();
        int maxBatch = config.maxBatchRows();
        this.memory = ByteBuffer.allocateDirect((ringRows + maxBatch) * width * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.views = new FloatBuffer[ringRows];
        for (int start = 0; start < ringRows; start++) {
            views[start] = memory.slice(start * width, maxBatch * width);
        }
        int[] next = {0};
        this.ring = RingBuffer.createMultiProducer(() -> new RowSlot(next[0]++), ringRows, config.waitStrategy().create());
        this.batch = new Batch<>(width, maxBatch);
        this.processor = new BatchEventProcessorBuilder().setMaxBatchSize(maxBatch)
                .build(ring, ring.newBarrier(), new Former());
        processor.setExceptionHandler(new Failures());
        ring.addGatingSequences(processor.getSequence());
    }

    public BatchingConfig config() {
        return config;
    }

    /** Starts the batcher thread; submissions are accepted from now on. */
    public MicroBatcher<R> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the batcher was already started");
        }
        thread = Thread.ofPlatform().name(config.threadName()).start(processor);
        accepting = true;
        return this;
    }

    /**
     * Queues {@code rows} rows of {@code width} floats read from {@code source} at
     * {@code offset .. offset + rows * width - 1}. Wraps the array (one small object); callers on a
     * hot path use the buffer overload.
     *
     * @param request handed back with every row of this request in {@link Batch#request}
     * @param tier the request's latency tier, passed through
     * @param deadlineNanos the request's deadline on the {@link System#nanoTime()} clock, passed through
     */
    public Submission submit(R request, float[] source, int offset, int rows, int tier, long deadlineNanos) {
        return submit(request, FloatBuffer.wrap(source), offset, rows, tier, deadlineNanos);
    }

    /**
     * Queues {@code rows} rows of {@code width} floats read from {@code source} at absolute index
     * {@code offset}: claims the slots, copies the rows into them, publishes in {@code finally}.
     * Returns {@link Submission#OVERLOADED} at once when the ring has too few free slots.
     */
    public Submission submit(R request, FloatBuffer source, int offset, int rows, int tier, long deadlineNanos) {
        return submit(request, source, offset, rows, tier, deadlineNanos, System.nanoTime());
    }

    /**
     * As {@link #submit(Object, FloatBuffer, int, int, int, long)}, with the enqueue time the caller
     * already read ({@link System#nanoTime()} clock; {@link Batch#enqueuedNanos} reports it): saves
     * a clock read per request on the producer's thread.
     */
    public Submission submit(R request, FloatBuffer source, int offset, int rows, int tier, long deadlineNanos, long enqueuedNanos) {
        inFlight.incrementAndGet();
        try {
            if (!accepting) {
                refused.increment();
                return Submission.CLOSED;
            }
            if (rows < 1 || rows > config.maxRowsPerRequest()) {
                refused.increment();
                return Submission.TOO_MANY_ROWS;
            }
            long hi;
            try {
                hi = ring.tryNext(rows);
            } catch (InsufficientCapacityException e) {
                overloaded.increment();
                return Submission.OVERLOADED;
            }
            long lo = hi - rows + 1;
            try {
                for (long s = lo; s <= hi; s++) {
                    int r = (int) (s - lo);
                    RowSlot slot = fill(ring.get(s), request, r, rows, tier, deadlineNanos, enqueuedNanos);
                    memory.put(slot.index * width, source, offset + r * width, width);
                }
            } finally {
                ring.publish(lo, hi);
            }
            acceptedRequests.increment();
            acceptedRows.add(rows);
            return Submission.ACCEPTED;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static RowSlot fill(RowSlot slot, Object request, int row, int rows, int tier, long deadline, long now) {
        slot.request = request;
        slot.row = row;
        slot.rows = rows;
        slot.tier = tier;
        slot.deadlineNanos = deadline;
        slot.enqueuedNanos = now;
        return slot;
    }

    /** Rows in the ring not yet handed to the handler. */
    public long backlog() {
        return ring.getCursor() - processor.getSequence().get();
    }

    /** A consistent-enough view of the counters, for metrics. */
    public Stats stats() {
        return new Stats(acceptedRequests.sum(), acceptedRows.sum(), overloaded.sum(), refused.sum(), batches, batchedRows,
                handlerFailures, backlog());
    }

    /**
     * Counters since start.
     *
     * @param acceptedRequests requests queued
     * @param acceptedRows rows queued
     * @param overloaded requests refused because the ring was full
     * @param refused requests refused as closed or too large
     * @param batches batches handed to the handler
     * @param batchedRows rows handed to the handler
     * @param handlerFailures batches whose handler threw
     * @param backlog rows queued and not yet handed over
     */
    public record Stats(long acceptedRequests, long acceptedRows, long overloaded, long refused, long batches, long batchedRows,
            long handlerFailures, long backlog) {}

    /**
     * Stops accepting, lets the batcher hand over every row already accepted, then stops its thread.
     * Safe to call twice.
     */
    @Override
    public void close() {
        accepting = false;
        if (!started.get() || !closed.compareAndSet(false, true)) {
            return;
        }
        // a producer that saw accepting=true before it flipped may still be claiming or publishing:
        // wait for it, then for every claimed row to be handed over
        while (inFlight.get() > 0) {
            Thread.onSpinWait();
        }
        long claimed = ring.getCursor();
        while (processor.getSequence().get() < claimed && thread.isAlive()) {
            LockSupport.parkNanos(100_000);
        }
        processor.halt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Forms batches on the batcher thread. A batch ends where the rows published so far end, but
     * never inside a request while below the cap: a producer publishes a request's rows as one range,
     * yet the ring can show the first of them before the rest (they are marked available one by
     * one). A request split over two batches would see its second half wait for the first batch's
     * members, and miss its deadline behind a slow one. So at the end of what the ring shows, the
     * rest of an unfinished request is taken straight from the ring, waiting the moment its producer
     * needs to publish it; those slots stay unconsumed in the ring's eyes (the processor's sequence
     * has not passed them, so no producer can reuse them) until the processor delivers them again,
     * and then they are skipped.
     */
    private final class Former implements EventHandler<RowSlot> {
        private int pending;
        private int start;
        private long firstSequence;
        /** The last sequence already taken into a batch ahead of its delivery. */
        private long takenAhead = -1;

        @Override
        public void onEvent(RowSlot slot, long sequence, boolean endOfBatch) {
            if (sequence <= takenAhead) {
                return;
            }
            take(slot, sequence);
            int cap = batch.slots().length;
            if (endOfBatch && pending < cap) {
                takeAhead(slot, sequence + 1, cap);
            }
            if (endOfBatch || pending == cap) {
                flush();
            }
        }

        /**
         * At the end of what the ring showed, takes straight from the ring the rest of an unfinished
         * request (waiting for its producer), then every row published since, whole requests at a
         * time, up to the cap.
         */
        private void takeAhead(RowSlot last, long next, int cap) {
            while (pending < cap) {
                boolean unfinished = last.row + 1 < last.rows;
                if (unfinished) {
                    awaitPublished(next);
                } else if (!ring.isAvailable(next)) {
                    return;
                }
                last = ring.get(next);
                take(last, next);
                takenAhead = next++;
            }
        }

        private void take(RowSlot slot, long sequence) {
            if (pending == 0) {
                start = slot.index;
                firstSequence = sequence;
            }
            int position = start + pending;
            if (position != slot.index) {
                // the batch wrapped past the ring's end: copy this row into the spare rows after it
                memory.put(position * width, memory, slot.index * width, width);
            }
            batch.slots()[pending++] = slot;
        }

        /** Waits for claimed sequence {@code s} to be published: its producer is copying rows and publishes in a finally block. */
        private void awaitPublished(long s) {
            for (int spins = 0; !ring.isAvailable(s); spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        private void flush() {
            int rows = pending;
            pending = 0;
            batch.set(views[start], rows, System.nanoTime(), firstSequence);
            try {
                handler.onBatch(batch);
            } catch (Throwable error) {
                handlerFailures++;
                try {
                    handler.onBatchFailure(batch, error);
                } catch (Throwable second) {
                    second.addSuppressed(error);
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), second);
                }
            } finally {
                batches++;
                batchedRows += rows;
                RowSlot[] slots = batch.slots();
                for (int i = 0; i < rows; i++) {
                    slots[i].request = null; // let answered requests be collected
                }
            }
        }
    }

    /** Errors escaping the former (which catches the handler's) are bugs: report them, keep running. */
    private static final class Failures implements ExceptionHandler<RowSlot> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RowSlot event) {
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
        }
    }
}
