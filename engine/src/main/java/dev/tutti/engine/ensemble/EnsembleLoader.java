package dev.tutti.engine.ensemble;

import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.manifest.ManifestReader;
import dev.tutti.engine.manifest.MemberEntry;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads an ensemble version directory: reads the manifest, verifies every artifact's sha256 against
 * its pin (a changed or replaced file is refused, nothing is loaded from it), loads each member
 * through the best available runtime and binds it to the ensemble's schema. If anything fails, the
 * members already loaded are closed and the error says which member and why.
 *
 * <p>Threads: stateless; loads may run concurrently.
 */
public final class EnsembleLoader {
    private static final Logger LOG = System.getLogger(EnsembleLoader.class.getName());

    private final MemberRuntimes runtimes;

    public EnsembleLoader(MemberRuntimes runtimes) {
        this.runtimes = runtimes;
    }

    /** A loader using the runtimes on the class path. */
    public static EnsembleLoader withDiscoveredRuntimes() {
        return new EnsembleLoader(MemberRuntimes.discover());
    }

    public Ensemble load(Path directory) throws ManifestException, MemberException {
        EnsembleManifest manifest = ManifestReader.read(directory);
        List<Member> members = new ArrayList<>();
        List<FeatureMapping> mappings = new ArrayList<>();
        try {
            for (MemberEntry entry : manifest.members()) {
                ModelSpec spec = verifiedSpec(manifest, entry);
                FeatureMapping mapping;
                try {
                    mapping = FeatureMapping.between(manifest.schema(), spec.schema(), entry.pin());
                } catch (IllegalArgumentException e) {
                    throw new ManifestException(e.getMessage());
                }
                mapping.warnings().forEach(w -> LOG.log(Level.WARNING, "ensemble {0}: {1}", manifest.pin(), w));
                members.add(runtimes.load(spec));
                mappings.add(mapping);
            }
        } catch (ManifestException | MemberException | RuntimeException e) {
            members.forEach(Member::close);
            throw e;
        }
        Ensemble ensemble = new Ensemble(manifest, members, mappings);
        LOG.log(Level.INFO, "loaded {0}", ensemble);
        return ensemble;
    }

    private static ModelSpec verifiedSpec(EnsembleManifest manifest, MemberEntry entry) throws ManifestException {
        String what = "ensemble " + manifest.pin() + " member " + entry.pin();
        Path artifact = Artifacts.resolveInside(manifest.directory(), entry.artifact(), what);
        Artifacts.verify(artifact, entry.sha256(), what);
        InputSchema schema = entry.schema() == null ? manifest.schema() : entry.schema();
        return new ModelSpec(entry.name(), entry.version(), entry.format(), artifact, entry.sha256(), schema,
                manifest.task(), manifest.task().classes(manifest.outputs()), entry.options());
    }
}
