package dev.tutti.batching;

/**
 * One preallocated ring slot: the metadata of one row. The row's features live in the batcher's
 * feature buffer at {@code index * width}. Written by the producer that claimed it, read by the
 * batcher thread after the sequence is published (the publish is the happens-before edge).
 */
final class RowSlot {
    final int index;
    Object request;
    int row;
    int rows;
    int tier;
    long deadlineNanos;
    long enqueuedNanos;

    RowSlot(int index) {
        this.index = index;
    }
}
