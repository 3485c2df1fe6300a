package dev.tutti.trainer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tutti.combine.Task;
import dev.tutti.engine.manifest.Artifacts;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.trainer.MemberResult.Status;
import dev.tutti.trainer.data.CsvTable;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.data.Folds;
import dev.tutti.trainer.data.SchemaInference;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.family.Artifact;
import dev.tutti.trainer.family.FittedModel;
import dev.tutti.trainer.metrics.CvMetrics;
import dev.tutti.trainer.plan.MemberRecipe;
import dev.tutti.trainer.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code tutti train} run: reads and encodes the CSV, splits it into folds shared by every
 * member, then for each member of the plan, in order: one fit per fold (its out-of-fold
 * predictions), a refit on all rows, the artifact saved, checked through its serving runtime
 * ({@link ServedParity}) and registered as a new immutable version. Last, the library version
 * lists what was trained, failed and skipped, with the CV metrics.
 *
 * <p>A member that its library refuses (or that fails the parity check) is reported as failed and
 * the run goes on. The time budget is checked before each member starts. {@link #cancel} (from
 * another thread, e.g. a Ctrl-C hook) stops the run at the next fit boundary; what was registered
 * stays, complete; nothing half-written becomes visible (see {@link ModelRegistry}).
 *
 * <p>Threads: {@link #run} on one thread, once; {@link #cancel} from any thread. Members train one
 * after another on that thread (the libraries each use one thread; the MLP seed is process-wide).
 */
public final class LibraryTrainer {
    private final TrainingConfig config;
    private final TrainingListener listener;
    private final ModelRegistry registry;
    private final ServedParity parity;
    private volatile boolean cancelled;

    public LibraryTrainer(TrainingConfig config, TrainingListener listener) {
        this(config, listener, MemberRuntimes.discover());
    }

    /** With the serving runtimes to check parity through (tests may pass none). */
    public LibraryTrainer(TrainingConfig config, TrainingListener listener, MemberRuntimes runtimes) {
        this.config = config;
        this.listener = listener;
        this.registry = new ModelRegistry(config.registry());
        this.parity = new ServedParity(runtimes);
    }

    /** Asks the run to stop at the next fit boundary; members not yet registered are dropped. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Trains the library.
     *
     * @throws TrainingException for data the run cannot use (missing target, constant target,
     *     unreadable rows) and for a registry it cannot write
     */
    public TrainingReport run() throws TrainingException {
        Instant start = Instant.now();
        CsvTable table = CsvTable.read(config.data());
        TableSchema schema = SchemaInference.infer(table, config.target(), config.task(), config.ignored());
        Dataset data = Dataset.encode(table, schema);
        if (data.rowCount() < config.folds()) {
            throw new TrainingException(config.data() + ": " + data.rowCount() + " rows cannot be split into " + config.folds() + " folds");
        }
        String dataSha256;
        try {
            dataSha256 = Artifacts.sha256(config.data());
            registry.cleanStaging();
        } catch (IOException e) {
            throw new TrainingException("cannot prepare the run: " + e.getMessage(), e);
        }
        Folds folds = Folds.assign(data, config.folds(), config.seed());
        MemberWriter.Context context = new MemberWriter.Context(config, data, folds, dataSha256);
        listener.started(config.plan(), config.folds(), data.rowCount());

        List<MemberResult> results = new ArrayList<>();
        Map<String, Duration> familyTime = new HashMap<>();
        Map<String, Integer> familyCount = new HashMap<>();
        for (int i = 0; i < config.plan().size(); i++) {
            MemberRecipe recipe = config.plan().get(i);
            String name = config.memberName(recipe);
            String skip = skipReason(start, recipe, familyTime, familyCount);
            if (skip != null) {
                MemberResult skipped = MemberResult.skipped(recipe, name, skip);
                results.add(skipped);
                listener.memberFinished(i, skipped);
                continue;
            }
            listener.memberStarted(i, recipe);
            MemberResult result = trainMember(i, recipe, name, context);
            if (result.status() != Status.SKIPPED) {
                familyTime.merge(recipe.family(), result.took(), Duration::plus);
                familyCount.merge(recipe.family(), 1, Integer::sum);
            }
            results.add(result);
            listener.memberFinished(i, result);
        }
        int libraryVersion = 0;
        if (!cancelled) {
            libraryVersion = writeLibrary(context, results, start);
        }
        return new TrainingReport(config.library(), libraryVersion, schema, data.rowCount(), config.folds(), dataSha256, results,
                Duration.between(start, Instant.now()), cancelled, registry.root());
    }

    /** Why a member is not started, or null to start it. */
    private String skipReason(Instant start, MemberRecipe recipe, Map<String, Duration> familyTime, Map<String, Integer> familyCount) {
        if (cancelled) {
            return "cancelled before it started";
        }
        if (config.timeBudget() == null) {
            return null;
        }
        Duration elapsed = Duration.between(start, Instant.now());
        Duration left = config.timeBudget().minus(elapsed);
        Integer count = familyCount.get(recipe.family());
        Duration estimate = count == null ? Duration.ZERO : familyTime.get(recipe.family()).dividedBy(count);
        if (left.isNegative() || left.isZero() || estimate.compareTo(left) > 0) {
            return String.format(Locale.ROOT, "time budget: %s used of %s%s", TrainingReport.format(elapsed),
                    TrainingReport.format(config.timeBudget()),
                    count == null ? "" : ", a " + recipe.family() + " member takes about " + TrainingReport.format(estimate));
        }
        return null;
    }

    private MemberResult trainMember(int index, MemberRecipe recipe, String name, MemberWriter.Context run) {
        Instant started = Instant.now();
        Dataset data = run.data();
        Folds folds = run.folds();
        long memberSeed = memberSeed(config.seed(), recipe.id());
        int outputs = data.schema().outputs();
        double[] oof = new double[data.rowCount() * outputs];
        List<Map<String, Double>> foldMetrics = new ArrayList<>();
        try {
            var family = Families.get(recipe.family());
            for (int k = 0; k < folds.count(); k++) {
                if (cancelled) {
                    return MemberResult.skipped(recipe, name, "cancelled during cross-validation");
                }
                Instant fitStart = Instant.now();
                int[] held = folds.heldOutRows(k);
                double[] predictions;
                try (FittedModel model = family.fit(data, folds.trainingRows(k), recipe, memberSeed)) {
                    predictions = model.predict(data, held);
                }
                for (int i = 0; i < held.length; i++) {
                    System.arraycopy(predictions, i * outputs, oof, held[i] * outputs, outputs);
                }
                foldMetrics.add(CvMetrics.compute(data.schema().task(), outputs, targets(data), held, predictions));
                listener.fitFinished(index, recipe, k, Duration.between(fitStart, Instant.now()));
            }
            if (cancelled) {
                return MemberResult.skipped(recipe, name, "cancelled before the refit");
            }
            Instant fitStart = Instant.now();
            int[] all = data.allRows();
            Map<String, Double> cv = CvMetrics.compute(data.schema().task(), outputs, targets(data), all, oof);
            try (FittedModel model = family.fit(data, all, recipe, memberSeed)) {
                int parityRows = Math.min(config.parityRows(), data.rowCount());
                double[] trainerPredictions = model.predict(data, java.util.Arrays.copyOf(all, parityRows));
                listener.fitFinished(index, recipe, folds.count(), Duration.between(fitStart, Instant.now()));
                MemberResult[] outcome = new MemberResult[1];
                int version = registry.publish(ModelRegistry.MODELS, name, (v, dir) -> {
                    Artifact artifact = model.save(dir);
                    MemberWriter.writeOof(dir.resolve(MemberWriter.OOF), data, folds, oof);
                    ParityCheck check = checkParity(name, v, dir, artifact, data, parityRows, trainerPredictions);
                    Duration took = Duration.between(started, Instant.now());
                    outcome[0] = new MemberResult(recipe, name, Status.TRAINED, v, artifact.format(), cv, foldMetrics, took, check,
                            trainerPredictions, null);
                    MemberWriter.writeMember(dir, run, recipe, name, v, artifact, outcome[0],
                            MemberWriter.lineage(run, memberSeed, started.toString(), Instant.now().toString()));
                    if (cancelled) {
                        throw new CancelledWrite();
                    }
                });
                MemberResult r = outcome[0];
                return new MemberResult(r.recipe(), r.name(), r.status(), version, r.format(), r.cv(), r.folds(), r.took(), r.parity(),
                        r.trainerPredictions(), null);
            }
        } catch (CancelledWrite e) {
            return MemberResult.skipped(recipe, name, "cancelled before it was registered");
        } catch (ParityFailure e) {
            return MemberResult.failed(recipe, name, Duration.between(started, Instant.now()), e.getMessage());
        } catch (TrainingException | IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            return MemberResult.failed(recipe, name, Duration.between(started, Instant.now()), why);
        }
    }

    private ParityCheck checkParity(String name, int version, Path dir, Artifact artifact, Dataset data, int rows, double[] expected)
            throws IOException {
        Path file = dir.resolve(artifact.file());
        ModelSpec spec = new ModelSpec(name, version, artifact.format(), file, Artifacts.sha256(file), data.schema().features(),
                data.schema().task(), data.schema().task() == Task.REGRESSION ? 0 : data.schema().classes().size(),
                artifact.options());
        ParityCheck check;
        try {
            check = parity.check(spec, data, rows, expected);
        } catch (MemberException e) {
            throw new ParityFailure("the serving runtime cannot load or run the saved " + artifact.format() + " file: " + e.getMessage());
        }
        if (!check.passed()) {
            throw new ParityFailure(String.format(Locale.ROOT, "served outputs (%s) differ from the trainer's by %.3g (tolerance %.0e) on %d rows",
                    check.runtime(), check.maxDifference(), check.tolerance(), check.rows()));
        }
        return check;
    }

    private static double[] targets(Dataset data) {
        double[] y = new double[data.rowCount()];
        for (int r = 0; r < y.length; r++) {
            y[r] = data.target(r);
        }
        return y;
    }

    /** A member's seed: the run's seed mixed with its id, so members differ and each is reproducible alone. */
    static long memberSeed(long seed, String id) {
        long h = seed * 0x9E3779B97F4A7C15L + id.hashCode();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h & 0x7fffffffL;
    }

    private int writeLibrary(MemberWriter.Context run, List<MemberResult> results, Instant start) throws TrainingException {
        try {
            return registry.publish(ModelRegistry.LIBRARIES, config.library(), (version, dir) -> {
                ObjectNode root = MemberWriter.JSON.createObjectNode();
                root.put("format", "tutti-library");
                root.put("formatVersion", 1);
                root.put("name", config.library());
                root.put("version", version);
                root.put("task", run.data().schema().task().name().toLowerCase(Locale.ROOT));
                root.put("target", run.data().schema().target());
                run.data().schema().classes().forEach(root.putArray("classes")::add);
                ArrayNode members = root.putArray("members");
                ArrayNode failed = root.putArray("failed");
                ArrayNode skipped = root.putArray("skipped");
                for (MemberResult r : results) {
                    ObjectNode m = switch (r.status()) {
                        case TRAINED -> members.addObject();
                        case FAILED -> failed.addObject();
                        case SKIPPED -> skipped.addObject();
                    };
                    m.put("name", r.name());
                    if (r.status() == Status.TRAINED) {
                        m.put("version", r.version());
                        m.put("path", ModelRegistry.MODELS + "/" + r.name() + "/" + r.version());
                        m.put("family", r.recipe().family());
                        m.put("format", r.format());
                        m.set("cv", MemberWriter.JSON.valueToTree(r.cv()));
                        m.put("seconds", r.took().toMillis() / 1000.0);
                    } else {
                        m.put("reason", r.reason());
                    }
                }
                ObjectNode lineage = MemberWriter.lineage(run, config.seed(), start.toString(), Instant.now().toString());
                lineage.remove("memberSeed");
                lineage.put("size", run.config().plan().size());
                root.set("lineage", lineage);
                MemberWriter.JSON.writeValue(dir.resolve("library.json").toFile(), root);
                Files.writeString(dir.resolve("cv.txt"), TrainingReport.table(run.data().schema().task(), results));
            });
        } catch (IOException e) {
            throw new TrainingException("cannot write the library to " + registry.root() + ": " + e.getMessage(), e);
        }
    }

    /** Thrown inside a registry write to drop the staged version after a cancellation. */
    private static final class CancelledWrite extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Thrown inside a registry write when the served member does not reproduce the trainer. */
    private static final class ParityFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ParityFailure(String message) {
            super(message);
        }
    }
}
