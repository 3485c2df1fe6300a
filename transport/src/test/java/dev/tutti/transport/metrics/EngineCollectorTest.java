package dev.tutti.transport.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.execution.LatencySummary;
import dev.tutti.engine.execution.MemberCounters;
import dev.tutti.engine.execution.MemberHealth;
import dev.tutti.engine.serving.MemberRuntimeUse;
import dev.tutti.engine.serving.ServiceMetrics;
import dev.tutti.transport.serving.EnsembleRegistry;
import dev.tutti.transport.testing.FakeEnsemble;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCollectorTest {

    private static ServiceMetrics metrics(List<MemberRuntimeUse> runtimes) {
        MemberCounters.Snapshot calls = new MemberCounters.Snapshot(10, 0, 0, 0, 0);
        return new ServiceMetrics(10, 0, 0, 0, 10, 0, 0, 0, 0, 0, 3, 10, 0, List.of("mlp-gpu", "xgboost"),
                List.of(MemberHealth.State.HEALTHY, MemberHealth.State.HEALTHY), new long[2], List.of(calls, calls),
                List.<LatencySummary>of(), runtimes);
    }

    private static MetricSnapshot named(MetricSnapshots snapshots, String name) {
        return snapshots.stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void shouldExportWhereAMemberThatCanFallBackIsScoringAndHowOftenItFellBack() {
        MemberRuntimeUse onTwin = new MemberRuntimeUse(true, "onnxruntime-cpu", true, 42, 2, 1);
        FakeEnsemble served = new FakeEnsemble("e", 1).reporting(metrics(List.of(onTwin, MemberRuntimeUse.FIXED)));

        MetricSnapshots snapshots = new EngineCollector(new EnsembleRegistry().register(served)).collect();

        GaugeSnapshot onFallback = (GaugeSnapshot) named(snapshots, "tutti_member_on_fallback");
        assertThat(onFallback.getDataPoints()).as("only the member that can fall back").singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1.0);
            assertThat(p.getLabels().get("member")).isEqualTo("mlp-gpu");
            assertThat(p.getLabels().get("runtime")).isEqualTo("onnxruntime-cpu");
        });
        CounterSnapshot batches = (CounterSnapshot) named(snapshots, "tutti_member_fallback_batches");
        assertThat(batches.getDataPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(42.0));
        CounterSnapshot failures = (CounterSnapshot) named(snapshots, "tutti_member_runtime_failures");
        assertThat(failures.getDataPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(2.0));
        CounterSnapshot recoveries = (CounterSnapshot) named(snapshots, "tutti_member_runtime_recoveries");
        assertThat(recoveries.getDataPoints()).singleElement().satisfies(p -> assertThat(p.getValue()).isEqualTo(1.0));
    }

    @Test
    void shouldExportNoFallbackSeriesForMembersBoundToOneRuntime() {
        FakeEnsemble served = new FakeEnsemble("e", 1).reporting(metrics(List.of(MemberRuntimeUse.FIXED, MemberRuntimeUse.FIXED)));

        MetricSnapshots snapshots = new EngineCollector(new EnsembleRegistry().register(served)).collect();

        assertThat(named(snapshots, "tutti_member_on_fallback").getDataPoints()).isEmpty();
        assertThat(named(snapshots, "tutti_member_health").getDataPoints()).hasSize(2);
    }
}
