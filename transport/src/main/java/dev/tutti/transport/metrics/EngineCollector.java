package dev.tutti.transport.metrics;

import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberCounters;
import dev.tutti.engine.serving.MemberRuntimeUse;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.serving.ServedEnsemble;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's metrics, read from each served ensemble's {@link ServiceMetrics} snapshot once per
 * scrape: request counters by outcome, batches, backlog, each member's calls by result, health and
 * breaker openings, and the latency of each stage and member.
 *
 * <p>Stage and member latencies are Prometheus <em>summaries</em> (p50, p90, p95, p99, p99.9 and
 * count, since start) because the engine keeps them in HdrHistograms and hands out percentiles;
 * the servers' own request latencies are true histograms ({@link TransportMetrics}).
 *
 * <p>Threads: the scraping thread. Allocation: the snapshot objects, per scrape.
 */
final class EngineCollector implements MultiCollector {
    private final EnsembleRegistry ensembles;

    EngineCollector(EnsembleRegistry ensembles) {
        this.ensembles = ensembles;
    }

    @Override
    public MetricSnapshots collect() {
        List<CounterDataPointSnapshot> requests = new ArrayList<>();
        List<CounterDataPointSnapshot> batches = new ArrayList<>();
        List<CounterDataPointSnapshot> batchedRows = new ArrayList<>();
        List<GaugeDataPointSnapshot> backlog = new ArrayList<>();
        List<CounterDataPointSnapshot> memberCalls = new ArrayList<>();
        List<CounterDataPointSnapshot> breakerOpenings = new ArrayList<>();
        List<GaugeDataPointSnapshot> health = new ArrayList<>();
        List<SummaryDataPointSnapshot> stages = new ArrayList<>();
        List<SummaryDataPointSnapshot> members = new ArrayList<>();
        List<GaugeDataPointSnapshot> onFallback = new ArrayList<>();
        List<CounterDataPointSnapshot> fallbackBatches = new ArrayList<>();
        List<CounterDataPointSnapshot> runtimeFailures = new ArrayList<>();
        List<CounterDataPointSnapshot> runtimeRecoveries = new ArrayList<>();
        for (ServedEnsemble e : ensembles.all()) {
            ServiceMetrics m = e.metrics();
            if (m == null) {
                continue;
            }
            Labels base = Labels.of("ensemble", e.metadata().name(), "version", Integer.toString(e.metadata().version()));
            String[] outcomes = {"accepted", "overloaded", "invalid", "refused", "answered", "degraded", "fallback", "deadline_exceeded",
                "unavailable", "internal"};
            long[] counts = {m.accepted(), m.overloaded(), m.invalid(), m.refused(), m.answered(), m.degraded(), m.fallback(),
                m.deadlineExceeded(), m.unavailable(), m.internal()};
            for (int i = 0; i < outcomes.length; i++) {
                requests.add(counter(counts[i], base.add("outcome", outcomes[i])));
            }
            batches.add(counter(m.batches(), base));
            batchedRows.add(counter(m.batchedRows(), base));
            backlog.add(new GaugeDataPointSnapshot(m.backlog(), base, null));
            for (int i = 0; i < m.members().size(); i++) {
                Labels member = base.add("member", m.members().get(i));
                MemberCounters.Snapshot c = m.memberCounters().get(i);
                memberCalls.add(counter(c.calls(), member.add("result", "called")));
                memberCalls.add(counter(c.failures(), member.add("result", "failed")));
                memberCalls.add(counter(c.timeouts(), member.add("result", "timed_out")));
                memberCalls.add(counter(c.skippedOpen(), member.add("result", "skipped_open")));
                memberCalls.add(counter(c.skippedBusy(), member.add("result", "skipped_busy")));
                breakerOpenings.add(counter(m.breakerOpenings()[i], member));
                health.add(new GaugeDataPointSnapshot(m.health().get(i).ordinal(), member, null));
                MemberRuntimeUse use = m.runtimes().get(i);
                if (use.switchable()) {
                    onFallback.add(new GaugeDataPointSnapshot(use.onFallback() ? 1 : 0, member.add("runtime", use.activeRuntime()), null));
                    fallbackBatches.add(counter(use.fallbackBatches(), member));
                    runtimeFailures.add(counter(use.primaryFailures(), member));
                    runtimeRecoveries.add(counter(use.recoveries(), member));
                }
            }
            for (LatencySummary l : m.latencies()) {
                if (l.stage().startsWith("member.")) {
                    members.add(summary(l, base.add("member", l.stage().substring("member.".length()))));
                } else {
                    stages.add(summary(l, base.add("stage", l.stage())));
                }
            }
        }
        return MetricSnapshots.of(
                new CounterSnapshot(new MetricMetadata("tutti_engine_requests", "Engine requests by outcome"), requests),
                new CounterSnapshot(new MetricMetadata("tutti_engine_batches", "Batches scored"), batches),
                new CounterSnapshot(new MetricMetadata("tutti_engine_batched_rows", "Rows scored in batches"), batchedRows),
                new GaugeSnapshot(new MetricMetadata("tutti_engine_backlog_rows", "Rows queued now"), backlog),
                new CounterSnapshot(new MetricMetadata("tutti_member_calls", "Member calls by result"), memberCalls),
                new CounterSnapshot(new MetricMetadata("tutti_member_breaker_openings", "Times a member's circuit breaker opened"),
                        breakerOpenings),
                new GaugeSnapshot(new MetricMetadata("tutti_member_health", "Member circuit-breaker state: 0 healthy, 1 degraded, 2 failed"),
                        health),
                new GaugeSnapshot(new MetricMetadata("tutti_member_on_fallback",
                        "1 while a member that can fall back (a GPU member) is served by its fallback (the CPU twin); label runtime: the one scoring now"),
                        onFallback),
                new CounterSnapshot(new MetricMetadata("tutti_member_fallback_batches", "Batches a member's fallback scored"), fallbackBatches),
                new CounterSnapshot(new MetricMetadata("tutti_member_runtime_failures", "Times a member's primary runtime failed and its fallback took over"),
                        runtimeFailures),
                new CounterSnapshot(new MetricMetadata("tutti_member_runtime_recoveries", "Times a member's primary runtime was brought back"),
                        runtimeRecoveries),
                new SummarySnapshot(new MetricMetadata("tutti_engine_stage_latency_seconds",
                        "Latency of each engine stage since start (queue wait, batch formation, combine, end to end)", Unit.SECONDS), stages),
                new SummarySnapshot(new MetricMetadata("tutti_member_latency_seconds", "Latency of each member's batch calls since start",
                        Unit.SECONDS), members));
    }

    private static CounterDataPointSnapshot counter(long value, Labels labels) {
        return new CounterDataPointSnapshot(value, labels, null, 0);
    }

    private static SummaryDataPointSnapshot summary(LatencySummary l, Labels labels) {
        double s = 1e-6; // summaries hold microseconds
        Quantiles q = Quantiles.of(new Quantile(0.5, l.p50() * s), new Quantile(0.9, l.p90() * s), new Quantile(0.95, l.p95() * s),
                new Quantile(0.99, l.p99() * s), new Quantile(0.999, l.p999() * s));
        return new SummaryDataPointSnapshot(l.count(), Double.NaN, q, labels, Exemplars.EMPTY, 0);
    }
}
