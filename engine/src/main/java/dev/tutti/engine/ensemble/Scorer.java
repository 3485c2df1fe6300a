package dev.tutti.engine.ensemble;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Scores batches through an ensemble: validates the rows, runs every member on the whole batch,
 * drops members that fail or return invalid scores (NaN, infinite, a probability outside [0, 1]),
 * combines the rest with weights renormalised over them, and computes the confidence measures.
 *
 * <p>Threads: one thread at a time (it owns scratch buffers and calls the members). Ownership: holds
 * per-member input buffers for members whose schema differs from the ensemble's. Allocation: at
 * construction; {@link #score} allocates nothing unless a member fails or explanations are asked for
 * (member runtimes may allocate internally).
 */
public final class Scorer {
    private static final Logger LOG = System.getLogger(Scorer.class.getName());

    private final Ensemble ensemble;
    private final EnsembleManifest manifest;
    private final Combiner combiner;
    private final int capacity;
    private final FloatBuffer[] memberInputs;
    private final MemberOutput[] outputs;
    private final FeatureRows features = new FeatureRows();

    Scorer(Ensemble ensemble, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ensemble = ensemble;
        this.manifest = ensemble.manifest();
        this.combiner = ensemble.combiner();
        this.capacity = capacity;
        int members = ensemble.members().size();
        this.memberInputs = new FloatBuffer[members];
        this.outputs = new MemberOutput[members];
        for (int m = 0; m < members; m++) {
            outputs[m] = new MemberOutput();
            if (!ensemble.mappings().get(m).isIdentity()) {
                int width = ensemble.members().get(m).spec().schema().width();
                memberInputs[m] = ByteBuffer.allocateDirect(capacity * width * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Scores {@code count} rows without explanations; see {@link #score(FloatBuffer, int, int, Predictions, boolean)}. */
    public void score(FloatBuffer rows, int count, Predictions out) {
        score(rows, count, 0, out, false);
    }

    /**
     * Scores {@code count} rows of the ensemble's schema, row-major from index 0 of {@code rows}.
     * Unknown categorical codes of features that treat them as missing are replaced by NaN in place.
     *
     * @param firstRow index of the first row in the caller's request, for error messages
     * @param out receives the answers; its previous contents are overwritten
     * @param explain whether to fill {@link Predictions#explanations()}
     * @throws InvalidInputException when a row is refused (nothing is scored)
     * @throws EnsembleUnavailableException when too few members answered to combine
     */
    public void score(FloatBuffer rows, int count, int firstRow, Predictions out, boolean explain) {
        int width = manifest.schema().width();
        if (count < 0 || count > capacity || count > out.capacity()) {
            throw new InvalidInputException(InvalidInputException.Reason.TOO_MANY_ROWS, null, -1, "a batch of " + count
                    + " rows exceeds the limit of " + Math.min(capacity, out.capacity()) + " rows");
        }
        if (rows.limit() < count * width) {
            throw manifest.schema().wrongWidth(rows.limit() / Math.max(count, 1), firstRow);
        }
        manifest.schema().validate(rows, count, firstRow);
        out.reset(count);
        if (count == 0) {
            return;
        }
        List<Member> members = ensemble.members();
        for (int m = 0; m < members.size(); m++) {
            scoreMember(m, members.get(m), rows, count, width, out);
        }
        if (!combiner.canAnswer(out.present)) {
            throw new EnsembleUnavailableException("ensemble " + manifest.pin() + ": no answer, too few members answered: "
                    + out.describeMissing());
        }
        combiner.combine(out.memberScores, out.present, features.wrap(rows, width), out.combined);
        Answers.confidence(manifest, combiner, ensemble.confidence(), out, true);
        if (explain) {
            Answers.explain(ensemble, combiner, features, out);
        }
    }

    private void scoreMember(int m, Member member, FloatBuffer rows, int count, int width, Predictions out) {
        FloatBuffer input = rows;
        if (memberInputs[m] != null) {
            ensemble.mappings().get(m).apply(rows, width, count, memberInputs[m]);
            input = memberInputs[m];
        }
        try {
            member.score(input, count, outputs[m].wrap(out.memberScores, m));
            String invalid = Scores.invalid(out.memberScores, m, count, manifest.task() != Task.REGRESSION);
            if (invalid != null) {
                drop(out, m, invalid);
            }
        } catch (MemberException | RuntimeException e) {
            drop(out, m, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void drop(Predictions out, int m, String why) {
        out.present[m] = false;
        out.memberErrors[m] = why;
        LOG.log(Level.WARNING, "ensemble {0}: member {1} dropped from a batch: {2}",
                manifest.pin(), ensemble.members().get(m).spec().pin(), why);
    }
}
