package dev.tutti.engine.ensemble;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.CombinerKernels;
import dev.tutti.combine.ConfidenceKernels;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.spi.Member;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A loaded, immutable ensemble version: its manifest, its members (loaded and verified) and its
 * combiner. Scoring goes through a {@link Scorer} (one per thread), which writes into
 * {@link Predictions} the caller owns; {@link #predict} is the allocating convenience for one-off calls.
 *
 * <p>Threads: the ensemble is shared; each thread scores through its own {@link Scorer}. A member is
 * never called by two threads at once as long as one thread scores at a time (the concurrent
 * executor of a later stage serialises calls per member). Ownership: owns its members; {@link #close}
 * closes them all.
 */
public final class Ensemble implements AutoCloseable {
    private final EnsembleManifest manifest;
    private final List<Member> members;
    private final List<FeatureMapping> mappings;
    private final Combiner combiner;
    private final ConfidenceKernels confidence;

    Ensemble(EnsembleManifest manifest, List<Member> members, List<FeatureMapping> mappings) {
        this.manifest = manifest;
        this.members = List.copyOf(members);
        this.mappings = List.copyOf(mappings);
        CombinerKernels kernels = CombinerKernels.get();
        this.combiner = kernels.select(manifest.combiner());
        this.confidence = kernels.confidence();
    }

    public EnsembleManifest manifest() {
        return manifest;
    }

    /**
     * The kernel that runs the manifest's combiner: its Vector API version where {@link CombinerKernels}
     * chose SIMD for it, else the manifest's scalar combiner itself. Either answers the same within
     * float rounding and explains identically.
     */
    public Combiner combiner() {
        return combiner;
    }

    /** The confidence kernels {@link CombinerKernels} chose. */
    public ConfidenceKernels confidence() {
        return confidence;
    }

    /** The members in combiner order. */
    public List<Member> members() {
        return members;
    }

    List<FeatureMapping> mappings() {
        return mappings;
    }

    /** A scorer for batches of up to {@code capacity} rows; use one per thread. */
    public Scorer newScorer(int capacity) {
        return new Scorer(this, capacity);
    }

    /**
     * Scores rows given as float arrays in the schema's encoding. Allocates its buffers: for
     * repeated calls, keep a {@link Scorer} and a {@link Predictions}.
     */
    public Predictions predict(float[][] rows, boolean explain) {
        int width = manifest.schema().width();
        int count = Math.max(rows.length, 1);
        FloatBuffer buffer = ByteBuffer.allocateDirect(count * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != width) {
                throw manifest.schema().wrongWidth(rows[r].length, r);
            }
            buffer.put(r * width, rows[r]);
        }
        Predictions out = new Predictions(this, count);
        newScorer(count).score(buffer, rows.length, 0, out, explain);
        return out;
    }

    @Override
    public void close() {
        for (Member member : members) {
            member.close();
        }
    }

    @Override
    public String toString() {
        return "Ensemble[" + manifest.pin() + ", " + members.size() + " members, " + combiner.name()
                + (combiner == manifest.combiner() ? " (scalar kernel)" : " (SIMD kernel)") + "]";
    }
}
