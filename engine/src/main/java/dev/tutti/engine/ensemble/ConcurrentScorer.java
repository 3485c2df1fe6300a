package dev.tutti.engine.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tutti.combine.Combiner;
import dev.tutti.combine.FeatureRows;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.execution.ExecutionConfig;
import dev.tutti.engine.execution.LatencyRecorder;
import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberCounters;
import dev.tutti.engine.execution.MemberHealth;
import dev.tutti.engine.manifest.EnsembleManifest;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores batches with every member at the same time, each on a worker thread, and answers by the
 * batch's deadline with the members that answered in time:
 *
 * <ol>
 *   <li>members whose circuit breaker is open, or still busy with an earlier batch, are skipped;
 *   <li>the others score the whole batch concurrently; the batch thread waits until all answered or
 *       the deadline passed; a member that threw, returned invalid scores or is late is missing;
 *   <li>if the members that answered meet the quorum (share of nominal weight and count), the
 *       combiner combines them with renormalised weights (flagged degraded when any is missing);
 *   <li>otherwise the fallback chain: the first configured fallback member that answered, else the
 *       best member that answered, answers alone (flagged fallback);
 *   <li>if no member answered, the batch fails with {@link EnsembleUnavailableException}: never an
 *       invented value.
 * </ol>
 *
 * <p>Threads: {@link #score} is called by one batch thread at a time; members run on this scorer's
 * {@link MemberWorkers} (daemon threads, one call per member at a time; an idle worker spins for
 * {@link ExecutionConfig#workerSpin} before it parks). Ownership: owns the pool and the
 * per-member buffers; not the ensemble. Allocation: none per batch on the happy path; a missing
 * member costs its error text; {@link #explain} allocates the explanation it returns.
 */
public final class ConcurrentScorer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ConcurrentScorer.class.getName());

    private final Ensemble ensemble;
    private final EnsembleManifest manifest;
    private final Combiner combiner;
    private final ExecutionConfig config;
    private final int capacity;
    private final MemberRunner[] runners;
    private final MemberCounters[] counters;
    private final BatchJoin join;
    private final MemberWorkers pool;
    private final int[] fallbackOrder;
    private final double totalWeight;
    private final FeatureRows features = new FeatureRows();
    private final LatencyRecorder combineLatency = LatencyRecorder.singleWriter("combine");
    private long epoch;

    public ConcurrentScorer(Ensemble ensemble, ExecutionConfig config, int capacity) {
        this.ensemble = ensemble;
        this.manifest = ensemble.manifest();
        this.combiner = ensemble.combiner();
        this.config = config;
        this.capacity = capacity;
        int members = ensemble.members().size();
        this.runners = new MemberRunner[members];
        this.counters = new MemberCounters[members];
        boolean probabilities = manifest.task() != Task.REGRESSION;
        double total = 0;
        for (int m = 0; m < members; m++) {
            var member = ensemble.members().get(m);
            runners[m] = new MemberRunner(m, member, ensemble.mappings().get(m), manifest.schema().width(), manifest.outputs(),
                    capacity, new MemberHealth(config.health()), new LatencyRecorder("member." + member.spec().name()), probabilities);
            counters[m] = new MemberCounters();
            total += combiner.weight(m);
        }
        this.totalWeight = total;
        this.join = new BatchJoin(members);
        this.fallbackOrder = fallbackOrder();
        this.pool = new MemberWorkers("tutti-member-", config.workers(), config.workerSpin().toNanos());
    }

    /** Configured fallback members first, then the others from best to worst (test log-loss, else weight). */
    private int[] fallbackOrder() {
        List<String> names = ensemble.members().stream().map(m -> m.spec().name()).toList();
        for (String name : config.fallbackMembers()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("fallback member '" + name + "' is not a member of " + manifest.pin() + ": " + names);
            }
        }
        JsonNode metrics = manifest.metrics() == null ? null : manifest.metrics().path("members");
        Comparator<Integer> quality = Comparator.comparingDouble(m -> {
            JsonNode loss = metrics == null ? null : metrics.path(names.get(m)).get("logLoss");
            return loss != null && loss.isNumber() ? loss.asDouble() : Double.MAX_VALUE;
        });
        List<Integer> order = new ArrayList<>();
        config.fallbackMembers().forEach(name -> order.add(names.indexOf(name)));
        IntStream.range(0, names.size()).boxed().filter(m -> !order.contains(m))
                .sorted(quality.thenComparing(m -> -combiner.weight(m))).forEach(order::add);
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Scores {@code count} already validated rows of the ensemble's schema (row-major from index 0)
     * and fills {@code out} (its confidence with the ensemble's own measure only: the other measures
     * are NaN), answering by {@code deadlineNanos} ({@link System#nanoTime()} clock).
     *
     * @throws EnsembleUnavailableException when no member answered
     */
    public void score(FloatBuffer rows, int count, long deadlineNanos, Predictions out) {
        if (count < 1 || count > capacity || count > out.capacity()) {
            throw new IllegalArgumentException("a batch of " + count + " rows does not fit the capacity of " + Math.min(capacity, out.capacity()));
        }
        out.reset(count);
        long started = System.nanoTime();
        long current = ++epoch;
        int stuck = 0;
        for (MemberRunner runner : runners) {
            stuck += runner.busy() ? 1 : 0;
        }
        pool.ensure(config.workers() + stuck);
        join.open(current, runners.length);
        for (int m = 0; m < runners.length; m++) {
            MemberRunner runner = runners[m];
            if (!runner.health().allow(started)) {
                counters[m].skippedOpen();
                missing(out, m, "circuit breaker open after repeated failures");
            } else if (!runner.tryStart(join, current, rows, count)) {
                counters[m].skippedBusy();
                missing(out, m, "still busy with an earlier batch");
            } else {
                counters[m].called();
                pool.execute(runner);
                continue;
            }
            join.complete(current, m); // skipped: nothing to wait for
        }
        join.await(deadlineNanos);
        boolean[] onTime = join.close();
        long now = System.nanoTime();
        for (int m = 0; m < runners.length; m++) {
            if (!out.present[m]) {
                continue;
            }
            if (!onTime[m]) {
                counters[m].timedOut();
                missing(out, m, "no answer within the batch deadline (" + (now - started) / 1_000 + " us)");
                runners[m].health().record(true, now - started, now);
            } else if (runners[m].error() != null) {
                counters[m].failed();
                missing(out, m, runners[m].error());
            } else {
                runners[m].copyInto(out.memberScores);
            }
        }
        answer(rows, out);
        combineLatency.record(System.nanoTime() - now);
    }

    private void answer(FloatBuffer rows, Predictions out) {
        double weight = 0;
        int answered = 0;
        for (int m = 0; m < runners.length; m++) {
            if (out.present[m]) {
                weight += combiner.weight(m);
                answered++;
            }
        }
        if (answered == 0) {
            throw new EnsembleUnavailableException("ensemble " + manifest.pin() + ": no member answered: " + out.describeMissing());
        }
        boolean quorum = answered >= config.minMembers() && weight >= config.minWeightShare() * totalWeight
                && combiner.canAnswer(out.present);
        features.wrap(rows, manifest.schema().width()); // kept for explain(): the batch's rows
        if (quorum) {
            combiner.combine(out.memberScores, out.present, features, out.combined);
        } else {
            int alone = firstAnswered(out);
            out.fallbackMember = alone;
            ScoreMatrix from = out.memberScores;
            for (int o = 0; o < from.outputs(); o++) {
                System.arraycopy(from.data(), from.offset(alone, o), out.combined.data(), out.combined.offset(0, o), out.rows);
            }
            LOG.log(Level.WARNING, "ensemble {0}: quorum not met ({1} of {2} members, {3} of the weight); member {4} answers alone",
                    manifest.pin(), answered, runners.length, totalWeight > 0 ? weight / totalWeight : 0,
                    ensemble.members().get(alone).spec().pin());
        }
        Answers.confidence(manifest, combiner, ensemble.confidence(), out, false);
    }

    /**
     * Explains row {@code row} of the batch last scored into {@code out} (see {@link RowExplanation});
     * the explanation names the row {@code reportedRow}. When a member answered alone (the quorum was
     * not met) the explanation says so: that member carries the whole value at weight 1.
     *
     * <p>Call on the batch thread right after {@link #score}, while the batch's rows are unchanged:
     * the explanation of a stacking combiner reads them. Allocates the explanation; scoring without
     * explanations never calls this.
     */
    public RowExplanation explain(int row, int reportedRow, Predictions out) {
        if (row < 0 || row >= out.rows) {
            throw new IndexOutOfBoundsException("row " + row + " outside the batch of " + out.rows);
        }
        return Answers.explainRow(ensemble, combiner, features, out, row, reportedRow);
    }

    private int firstAnswered(Predictions out) {
        for (int m : fallbackOrder) {
            if (out.present[m]) {
                return m;
            }
        }
        throw new IllegalStateException("no member answered");
    }

    private void missing(Predictions out, int m, String why) {
        out.present[m] = false;
        out.memberErrors[m] = why;
    }

    /** The circuit-breaker state of each member, in member order. */
    public List<MemberHealth.State> health() {
        List<MemberHealth.State> states = new ArrayList<>();
        for (MemberRunner runner : runners) {
            states.add(runner.health().state());
        }
        return states;
    }

    /** How many times each member's circuit breaker has opened, in member order. */
    public long[] breakerOpenings() {
        long[] opened = new long[runners.length];
        for (int m = 0; m < runners.length; m++) {
            opened[m] = runners[m].health().timesOpened();
        }
        return opened;
    }

    /** What happened to each member's calls, in member order. */
    public List<MemberCounters.Snapshot> memberCounters() {
        List<MemberCounters.Snapshot> out = new ArrayList<>();
        for (MemberCounters c : counters) {
            out.add(c.snapshot());
        }
        return out;
    }

    /** Latency of each member's calls (including late ones) and of the combine step. */
    public List<LatencySummary> latencies() {
        List<LatencySummary> out = new ArrayList<>();
        for (MemberRunner runner : runners) {
            out.add(runner.latencySummary());
        }
        out.add(combineLatency.summary());
        return out;
    }

    /** Stops the worker threads; a member stuck in a call is left to finish on its daemon thread. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
