package dev.tutti.transport.protocol;

/** Bits of the header's flags field; bits not named here are zero when sent and ignored when read. */
public final class Flags {
    /** Score request: explain each row; the response carries an explanation section ({@link #EXPLAINED}). */
    public static final int EXPLAIN = 1;
    /** Score response: some member was missing; the answer was combined from the others. */
    public static final int DEGRADED = 1;
    /** Score response: the quorum was not met and one member answered alone (the fallback member). */
    public static final int FALLBACK = 1 << 1;
    /** Score response: an explanation section follows the missing members' reasons ({@link ExplanationDecoder}). */
    public static final int EXPLAINED = 1 << 2;

    private Flags() {}
}
