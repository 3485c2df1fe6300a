package dev.tutti.engine.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tutti.combine.Combiner;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Scores batches with every member concurrently, several batches in flight, and answers each by
 * its deadline with the members that answered in time:
 *
 * <ol>
 *   <li>the caller waits for a free {@link InFlightBatch} ({@link #awaitFree}) before it forms a
 *       batch, so that batches form full under load, takes it ({@link #acquire}), loads its rows
 *       and {@link #dispatch}es it;
 *   <li>members whose circuit breaker is open, or that are stuck in a call past its deadline, are
 *       skipped; every other member gets the batch in its mailbox ({@link MemberRunner}: members are
 *       actors working through their batches in order, one call at a time, on the worker pool);
 *   <li>the member that answers last, or the deadline thread when the deadline passes first, closes
 *       the batch: a member that threw, returned invalid scores or is late is missing;
 *   <li>if the members that answered meet the quorum (share of nominal weight and count), the
 *       combiner combines them with renormalised weights (flagged degraded when any is missing);
 *       otherwise the fallback chain: the first configured fallback member that answered, else the
 *       best member that answered, answers alone (flagged fallback);
 *   <li>the {@link Listener} gets the scored batch, or hears that no member answered (never an
 *       invented value), and the batch is free again.
 * </ol>
 *
 * <p>No thread waits for a batch's slowest member: while it finishes one batch, the other members
 * already score the next, and the dispatching thread forms the one after.
 *
 * <p>Threads: {@link #acquire} and {@link #dispatch} on one dispatching thread; members on this
 * scorer's worker pool (daemon threads; one more per member stuck past a deadline, so a hung member
 * cannot starve the others); the listener on the thread that closed the batch: a worker, the
 * deadline thread, or the dispatching thread when every member was skipped. Ownership: owns the
 * pool, the deadline thread, the batches in flight and the per-member buffers; not the ensemble.
 * Allocation: none per batch on the happy path; a missing member costs its error text.
 */
public final class ConcurrentScorer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ConcurrentScorer.class.getName());

    /**
     * Receives each dispatched batch once, on the thread that closed it; the batch is reused as soon
     * as the call returns. Implementations answer every request of the batch and should not throw
     * (a throw from {@link #onScored} or {@link #onUnavailable} is passed to {@link #onFailure}).
     */
    public interface Listener {
        /** The batch's {@link InFlightBatch#predictions()} are ready. */
        void onScored(InFlightBatch batch);

        /** No member answered; {@code why} names every member and its reason. */
        void onUnavailable(InFlightBatch batch, String why);

        /** Scoring or answering the batch failed unexpectedly. */
        void onFailure(InFlightBatch batch, Throwable error);
    }

    private final Ensemble ensemble;
    private final EnsembleManifest manifest;
    private final Combiner combiner;
    private final ExecutionConfig config;
    private final int capacity;
    private final Listener listener;
    private final MemberRunner[] runners;
    private final ThreadPoolExecutor pool;
    private final InFlightBatch[] batches;
    private final FreeBatches free;
    private final DeadlineWatch deadlines;
    private final int[] fallbackOrder;
    private final double totalWeight;
    private final LatencyRecorder combineLatency = new LatencyRecorder("combine");
    private volatile boolean closed;
    private long epoch; // dispatching thread only
    private int stuckWorkers; // dispatching thread only

    public ConcurrentScorer(Ensemble ensemble, ExecutionConfig config, int capacity, Listener listener) {
        this.ensemble = ensemble;
        this.manifest = ensemble.manifest();
        this.combiner = ensemble.combiner();
        this.config = config;
        this.capacity = capacity;
        this.listener = listener;
        int members = ensemble.members().size();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.workers(), config.workers() + members, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().daemon().name("tutti-member-" + threads.incrementAndGet()).unstarted(r));
        this.runners = new MemberRunner[members];
        boolean probabilities = manifest.task() != Task.REGRESSION;
        double total = 0;
        for (int m = 0; m < members; m++) {
            var member = ensemble.members().get(m);
            runners[m] = new MemberRunner(m, member, ensemble.mappings().get(m), manifest.schema().width(), manifest.outputs(),
                    capacity, 2 * config.batchesInFlight(), new MemberHealth(config.health()), new MemberCounters(),
                    new LatencyRecorder("member." + member.spec().name()), probabilities, pool, this::finish);
            total += combiner.weight(m);
        }
        this.totalWeight = total;
        this.fallbackOrder = fallbackOrder();
        this.batches = new InFlightBatch[config.batchesInFlight()];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = new InFlightBatch(b, ensemble, capacity);
        }
        this.free = new FreeBatches(batches);
        pool.prestartAllCoreThreads();
        this.deadlines = new DeadlineWatch("tutti-deadlines-" + manifest.pin());
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

    /** How many batches can be in flight at once (each with its own buffers). */
    public int batchesInFlight() {
        return batches.length;
    }

    /**
     * Waits until a batch is free, without taking it: call before forming a batch, so that it forms
     * from every row that arrived while the batches in flight were at their limit. The wait ends at
     * the latest at the deadline of the oldest batch in flight (the deadline thread ends it then).
     * Returns early, with the thread's interrupt flag set, when interrupted.
     */
    public void awaitFree() {
        try {
            free.awaitFree();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A free batch to {@link InFlightBatch#load} and {@link #dispatch}; waits while
     * {@code batchesInFlight} batches are in flight (see {@link #awaitFree}).
     *
     * @throws IllegalStateException when interrupted while waiting, or closed
     */
    public InFlightBatch acquire() {
        if (closed) {
            throw new IllegalStateException("the scorer of " + manifest.pin() + " is closed");
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch in flight to end", e);
        }
    }

    /**
     * Starts scoring {@code batch} (taken by {@link #acquire}, rows loaded), to be answered by
     * {@code deadlineNanos} ({@link System#nanoTime()} clock). Returns at once; the {@link Listener}
     * gets the batch when it ends. The caller must not touch the batch until then.
     */
    public void dispatch(InFlightBatch batch, long deadlineNanos) {
        if (closed) {
            free.put(batch);
            throw new IllegalStateException("the scorer of " + manifest.pin() + " is closed");
        }
        long now = System.nanoTime();
        long current = ++epoch;
        batch.open(current, now, deadlineNanos);
        int stuck = 0;
        for (MemberRunner runner : runners) {
            stuck += runner.lateAt(now) ? 1 : 0;
        }
        if (stuck != stuckWorkers) {
            stuckWorkers = stuck;
            pool.setCorePoolSize(config.workers() + stuck);
        }
        for (int m = 0; m < runners.length; m++) {
            MemberRunner runner = runners[m];
            if (!runner.health().allow(now)) {
                runner.counters().skippedOpen();
                batch.skip(m, "circuit breaker open after repeated failures");
            } else if (runner.lateAt(now)) {
                runner.counters().skippedBusy();
                batch.skip(m, "still busy with an earlier batch");
            } else {
                switch (runner.offer(batch, current)) {
                    case SCHEDULE -> pool.execute(runner);
                    case QUEUED -> { }
                    case FULL -> {
                        runner.counters().skippedBusy();
                        batch.skip(m, "still busy with earlier batches");
                    }
                }
            }
        }
        deadlines.watch(deadlineNanos);
        if (batch.dispatched()) {
            finish(batch);
        }
    }

    /** Ends a closed batch on the thread that closed it: missing members, combine, the listener, then free. */
    private void finish(InFlightBatch batch) {
        try {
            long now = System.nanoTime();
            Predictions out = batch.predictions();
            for (int m = 0; m < runners.length; m++) {
                switch (batch.state(m)) {
                    case InFlightBatch.QUEUED -> {
                        runners[m].counters().skippedBusy();
                        missing(out, m, "still busy with earlier batches at the batch deadline");
                    }
                    case InFlightBatch.RUNNING -> {
                        runners[m].counters().timedOut();
                        missing(out, m, "no answer within the batch deadline (" + (now - batch.dispatchedNanos()) / 1_000 + " us)");
                        runners[m].health().record(true, now - batch.dispatchedNanos(), now);
                    }
                    default -> { } // answered, failed or skipped: recorded already
                }
            }
            answer(batch);
            combineLatency.record(System.nanoTime() - now);
            listener.onScored(batch);
        } catch (EnsembleUnavailableException e) {
            try {
                listener.onUnavailable(batch, e.getMessage());
            } catch (Throwable error) {
                failed(batch, error);
            }
        } catch (Throwable error) {
            failed(batch, error);
        } finally {
            free.put(batch);
        }
    }

    private void failed(InFlightBatch batch, Throwable error) {
        try {
            listener.onFailure(batch, error);
        } catch (Throwable again) {
            again.addSuppressed(error);
            LOG.log(Level.ERROR, "ensemble " + manifest.pin() + ": failing a batch failed", again);
        }
    }

    private void answer(InFlightBatch batch) {
        Predictions out = batch.predictions();
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
        if (quorum) {
            combiner.combine(out.memberScores, out.present, batch.features(), out.combined);
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
        Answers.confidence(manifest, combiner, ensemble.confidence(), out);
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
        for (MemberRunner runner : runners) {
            out.add(runner.counters().snapshot());
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

    /**
     * Refuses new batches, waits until every batch in flight has ended (by its deadline at the
     * latest: the deadline thread ends it then), then stops the threads; a member stuck in a call is
     * left to finish on its daemon thread.
     */
    @Override
    public void close() {
        closed = true;
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (InFlightBatch batch : batches) {
            long deadline = batch.openDeadline();
            if (deadline != Long.MAX_VALUE && deadline - limit > 0) {
                limit = deadline + TimeUnit.SECONDS.toNanos(2);
            }
        }
        try {
            if (!free.awaitIdle(limit)) {
                LOG.log(Level.WARNING, "ensemble {0}: {1} batches still in flight at close", manifest.pin(), free.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.stop();
        pool.shutdownNow();
    }

    /**
     * The thread that ends batches whose deadline passes before their members answered. It sleeps
     * until the earliest deadline of the open batches, or, when none is open but batches came
     * recently, for a short horizon; a dispatch wakes it only when the new deadline is earlier than
     * the time it sleeps until, or when it sleeps with nothing to watch after a quiet second. Under
     * load it wakes about once per horizon or deadline budget, not once per batch.
     */
    private final class DeadlineWatch implements Runnable {
        private static final long HORIZON_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
        private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean idle = true;
        private volatile long watching;
        private volatile long lastDispatch;

        DeadlineWatch(String name) {
            this.thread = Thread.ofPlatform().daemon().name(name).start(this);
        }

        /** Called after a batch with this deadline was opened. */
        void watch(long deadlineNanos) {
            lastDispatch = System.nanoTime();
            if (idle || deadlineNanos - watching < 0) {
                LockSupport.unpark(thread);
            }
        }

        void stop() {
            running = false;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (running) {
                long now = System.nanoTime();
                for (InFlightBatch batch : batches) {
                    if (batch.expire(now)) {
                        finish(batch);
                    }
                }
                long horizon = now + HORIZON_NANOS;
                long until = earliestOpenDeadline(horizon);
                boolean quiet = until == horizon && now - lastDispatch > QUIET_NANOS;
                watching = until;
                idle = quiet;
                // a batch opened while we scanned saw the old watch: look once more before sleeping
                if (earliestOpenDeadline(horizon) != until) {
                    continue;
                }
                if (quiet) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, until - System.nanoTime());
                }
            }
        }

        /** The earliest deadline of the open batches, or {@code horizon} when none is open. */
        private long earliestOpenDeadline(long horizon) {
            long earliest = Long.MAX_VALUE;
            for (InFlightBatch batch : batches) {
                long deadline = batch.openDeadline();
                if (deadline != Long.MAX_VALUE && (earliest == Long.MAX_VALUE || deadline - earliest < 0)) {
                    earliest = deadline;
                }
            }
            return earliest == Long.MAX_VALUE ? horizon : earliest;
        }
    }
}
