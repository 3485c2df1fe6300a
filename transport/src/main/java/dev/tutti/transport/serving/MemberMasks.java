package dev.tutti.transport.serving;

import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.transport.protocol.MemberSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a response's member names into the bit masks of the wire format (bit i = member i of the
 * metadata). Threads: stateless. Allocation: none for a complete answer; lists for degraded ones.
 */
public final class MemberMasks {
    private MemberMasks() {}

    public static MemberSummary of(List<String> members, ScoreResponse response) {
        int count = members.size();
        if (!response.degraded() && !response.fallback() && response.membersUsed().size() == count) {
            return MemberSummary.allOf(count);
        }
        long used = 0;
        long missing = 0;
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = members.get(i);
            if (response.membersUsed().contains(name)) {
                used |= 1L << i;
            }
            for (String entry : response.membersMissing()) {
                if (entry.equals(name) || entry.startsWith(name + ": ")) { // the engine writes "name: reason"
                    missing |= 1L << i;
                    reasons.add(entry.length() > name.length() + 2 ? entry.substring(name.length() + 2) : "");
                    break;
                }
            }
        }
        int fallback = response.fallbackMember() == null ? -1 : members.indexOf(response.fallbackMember());
        return new MemberSummary(count, used, missing, fallback, reasons);
    }
}
