package dev.tutti.engine.ensemble;

import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites rows of the ensemble's schema into the rows a member takes: features picked by name
 * (in the member's order) and categorical codes translated by label, so a member trained with its
 * own category order or a subset of the features serves unchanged. A label the member does not know
 * becomes missing (NaN) for it. When the schemas are equal the mapping is the identity and the
 * engine passes the batch through without copying.
 *
 * <p>Threads: immutable, shareable. Allocation: none in {@link #apply}.
 */
public final class FeatureMapping {
    private final InputSchema member;
    private final boolean identity;
    private final int[] source;
    private final float[][] codes; // per member feature: ensemble code -> member code (null for numeric)
    private final List<String> warnings;

    private FeatureMapping(InputSchema member, boolean identity, int[] source, float[][] codes, List<String> warnings) {
        this.member = member;
        this.identity = identity;
        this.source = source;
        this.codes = codes;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @throws IllegalArgumentException naming the member feature that the ensemble cannot supply
     */
    public static FeatureMapping between(InputSchema ensemble, InputSchema member, String memberPin) {
        if (ensemble.equals(member)) {
            return new FeatureMapping(member, true, null, null, List.of());
        }
        int width = member.width();
        int[] source = new int[width];
        float[][] codes = new float[width][];
        List<String> warnings = new ArrayList<>();
        for (int f = 0; f < width; f++) {
            FeatureSpec wanted = member.feature(f);
            int index = ensemble.indexOf(wanted.name());
            if (index < 0) {
                throw new IllegalArgumentException("member " + memberPin + " needs feature '" + wanted.name()
                        + "', which the ensemble's schema does not have");
            }
            FeatureSpec given = ensemble.feature(index);
            if (given.type() != wanted.type()) {
                throw new IllegalArgumentException("member " + memberPin + " takes feature '" + wanted.name() + "' as "
                        + wanted.type() + " but the ensemble's schema has it as " + given.type());
            }
            if (given.missingAllowed() && !wanted.missingAllowed()) {
                throw new IllegalArgumentException("member " + memberPin + " does not accept missing values of feature '"
                        + wanted.name() + "', which the ensemble's schema allows");
            }
            source[f] = index;
            if (given.isCategorical()) {
                codes[f] = new float[given.categories().size()];
                for (int c = 0; c < codes[f].length; c++) {
                    int code = wanted.code(given.categories().get(c));
                    if (code < 0 && !wanted.missingAllowed()) {
                        throw new IllegalArgumentException("member " + memberPin + " does not know category '"
                                + given.categories().get(c) + "' of feature '" + wanted.name() + "' and does not accept missing values");
                    }
                    if (code < 0) {
                        warnings.add("category '" + given.categories().get(c) + "' of feature '" + wanted.name()
                                + "' is unknown to member " + memberPin + " and reaches it as missing");
                    }
                    codes[f][c] = code < 0 ? Float.NaN : code;
                }
            }
        }
        return new FeatureMapping(member, false, source, codes, warnings);
    }

    public boolean isIdentity() {
        return identity;
    }

    /** Categories the member does not know (they reach it as missing): for the load log. */
    public List<String> warnings() {
        return warnings;
    }

    /** Writes {@code rows} member rows into {@code out} (from index 0) from ensemble rows in {@code in}. */
    public void apply(FloatBuffer in, int inWidth, int rows, FloatBuffer out) {
        int width = member.width();
        if (identity) {
            out.put(0, in, 0, rows * width);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int from = r * inWidth;
            int to = r * width;
            for (int f = 0; f < width; f++) {
                float v = in.get(from + source[f]);
                float[] table = codes[f];
                out.put(to + f, table == null || Float.isNaN(v) ? v : table[(int) v]);
            }
        }
    }
}
