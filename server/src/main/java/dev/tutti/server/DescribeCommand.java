package dev.tutti.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.manifest.ManifestReader;
import dev.tutti.engine.manifest.MemberEntry;
import dev.tutti.engine.schema.FeatureSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tutti describe}: what an ensemble version is, its members (with digests checked) and its measured quality. */
@Command(name = "describe", description = "Show an ensemble version: schema, members (sha256 checked), combiner, metrics, provenance.")
final class DescribeCommand implements Callable<Integer> {
    @Option(names = "--ensemble", required = true, paramLabel = "DIR", description = "Ensemble version directory.")
    Path ensembleDirectory;

    @Override
    public Integer call() throws Exception {
        EnsembleManifest m = ManifestReader.read(ensembleDirectory);
        System.out.printf("%s  %s%n", m.pin(), m.description());
        System.out.printf("task: %s%s%n", m.task().name().toLowerCase(Locale.ROOT), m.classes().isEmpty() ? "" : " " + m.classes());
        System.out.printf("combiner: %s; confidence: %s%n", m.combiner().name(), m.confidence().name().toLowerCase(Locale.ROOT));
        System.out.printf("schema: %d features%n", m.schema().width());
        for (FeatureSpec f : m.schema().features()) {
            System.out.printf("  %-24s %s%s%n", f.name(), f.isCategorical() ? "categorical " + f.categories() : "numeric",
                    f.missingAllowed() ? ", missing allowed" : "");
        }
        int bad = 0;
        System.out.println("members:");
        for (MemberEntry e : m.members()) {
            Path artifact = Artifacts.resolveInside(m.directory(), e.artifact(), e.pin());
            String actual = java.nio.file.Files.isRegularFile(artifact) ? Artifacts.sha256(artifact) : "(missing file)";
            boolean ok = actual.equals(e.sha256());
            bad += ok ? 0 : 1;
            System.out.printf("  %-20s %-14s %s  sha256 %s %s%n", e.pin(), e.format(), e.artifact(), e.sha256().substring(0, 12),
                    ok ? "ok" : "MISMATCH (" + actual + ")");
        }
        print("metrics", m.metrics());
        print("provenance", m.provenance());
        return bad == 0 ? 0 : 1;
    }

    private static void print(String title, JsonNode node) {
        if (node != null && !node.isNull()) {
            System.out.println(title + ": " + node.toPrettyString().replace("\n", "\n  "));
        }
    }
}
