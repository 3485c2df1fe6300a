package dev.tutti.transport.protocol;

import java.util.List;

/**
 * Which members answered a request, as bit masks over the ensemble's members in metadata order
 * (bit i is member i; at most 64 members).
 *
 * @param count the ensemble's member count
 * @param used members that answered for every row
 * @param missing members missing for some row
 * @param fallback the index of the member that answered alone, or -1
 * @param missingReasons one reason per bit set in {@code missing}, lowest bit first
 */
public record MemberSummary(int count, long used, long missing, int fallback, List<String> missingReasons) {
    public static final int MAX_MEMBERS = 64;

    public MemberSummary {
        missingReasons = List.copyOf(missingReasons);
        if (count < 0 || count > MAX_MEMBERS) {
            throw new IllegalArgumentException("0 to 64 members, not " + count);
        }
        if (Long.bitCount(missing) != missingReasons.size()) {
            throw new IllegalArgumentException(Long.bitCount(missing) + " missing members but " + missingReasons.size() + " reasons");
        }
        if (fallback < -1 || fallback >= Math.max(count, 1) || fallback > 254) {
            throw new IllegalArgumentException("no member " + fallback);
        }
    }

    /** Every one of {@code count} members answered. */
    public static MemberSummary allOf(int count) {
        return new MemberSummary(count, count == 64 ? -1L : (1L << count) - 1, 0, -1, List.of());
    }
}
