package dev.tutti.engine.spi;

import java.nio.FloatBuffer;

/**
 * A loaded model that scores batches of rows.
 *
 * <p>Threads: {@link #score} is called by one thread at a time per member (the engine never calls
 * one member concurrently); implementations need no locking of their own. Ownership: the member
 * owns its native handles (sessions, NDManagers) and frees them in {@link #close}; scoring after
 * close throws {@link IllegalStateException}. Allocation: implementations should reuse their
 * buffers between calls of the same or smaller batch size.
 */
public interface Member extends AutoCloseable {

    ModelSpec spec();

    /**
     * Scores {@code rows} rows into {@code out}.
     *
     * @param input rows x {@code spec().schema().width()} float32 values, row-major, starting at
     *     index 0; direct and native-order when it comes from the engine. Already validated against
     *     the member's schema. The member must not keep a reference to it after returning.
     * @param rows number of rows (at least 1, at most the batch capacity)
     * @param out where to write {@code spec().outputs()} scores per row
     * @throws MemberException when the runtime fails; the engine treats the member as missing
     */
    void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException;

    @Override
    void close();
}
