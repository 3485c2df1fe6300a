package dev.tutti.combine;

/**
 * Validated nominal member weights and their renormalisation over the members present.
 *
 * <p>Threads: immutable. Allocation: only at construction.
 */
final class MemberWeights {
    private final double[] nominal;

    private MemberWeights(double[] nominal) {
        this.nominal = nominal;
    }

    /** Validates and copies {@code weights}: at least one member, each finite and {@code >= 0}, one positive. */
    static MemberWeights of(double[] weights) {
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
        if (weights.length == 0) {
            throw new IllegalArgumentException("weights must have one entry per member, got none");
        }
        boolean positive = false;
        for (int m = 0; m < weights.length; m++) {
            double w = weights[m];
            if (!Double.isFinite(w) || w < 0) {
                throw new IllegalArgumentException("weights[" + m + "] must be finite and >= 0, got " + w);
            }
            positive |= w > 0;
        }
        if (!positive) {
            throw new IllegalArgumentException("weights must have at least one positive entry");
        }
        return new MemberWeights(weights.clone());
    }

    /** Weight 1 for each of {@code members} members. */
    static MemberWeights equal(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be positive, got " + members);
        }
        double[] ones = new double[members];
        java.util.Arrays.fill(ones, 1.0);
        return new MemberWeights(ones);
    }

    int members() {
        return nominal.length;
    }

    double nominal(int member) {
        return nominal[member];
    }

    /** Sum of the nominal weights of the members present: the renormalisation divisor. */
    double total(boolean[] present) {
        double total = 0;
        for (int m = 0; m < nominal.length; m++) {
            if (present[m]) {
                total += nominal[m];
            }
        }
        return total;
    }

    /** Member's weight renormalised over the members present (0 when absent); {@code total} from {@link #total}. */
    double effective(int member, boolean[] present, double total) {
        return present[member] ? nominal[member] / total : 0;
    }

    boolean canAnswer(boolean[] present) {
        Checks.present(present, nominal.length);
        return total(present) > 0;
    }
}
