package dev.tutti.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LatencyRecorderTest {

    static Stream<LatencyRecorder> recorders() {
        return Stream.of(LatencyRecorder.singleWriter("single"), new LatencyRecorder("shared"));
    }

    @ParameterizedTest
    @MethodSource("recorders")
    void shouldRecordEveryValueOfABatchAndClampNegativeOnes(LatencyRecorder recorder) {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 1_000L; // 1 .. 100 us
        }
        nanos[0] = -5; // a clock step backwards counts as 0
        recorder.recordAll(nanos, 90); // only the first 90 count
        recorder.record(2_000_000); // 2 ms

        LatencySummary summary = recorder.summary();
        assertThat(summary.count()).isEqualTo(91);
        assertThat(summary.p50()).isCloseTo(46, within(0.5));
        assertThat(summary.max()).isCloseTo(2_000, within(2.0));
    }

    @ParameterizedTest
    @MethodSource("recorders")
    void shouldKeepTheRunningTotalAcrossSummaries(LatencyRecorder recorder) {
        recorder.recordAll(new long[] {1_000, 2_000, 3_000}, 3);
        assertThat(recorder.summary().count()).isEqualTo(3);
        recorder.record(4_000);
        assertThat(recorder.summary().count()).isEqualTo(4);
        assertThat(recorder.summary().count()).isEqualTo(4);
        assertThat(recorder.histogram().getTotalCount()).isEqualTo(4);
    }

    /** The single writer records batches while another thread reads: no value is lost or counted twice. */
    @Test
    void shouldLoseNothingWhenSummariesAreReadWhileTheWriterRecords() throws Exception {
        LatencyRecorder recorder = LatencyRecorder.singleWriter("stage");
        int batches = 20_000;
        long[] nanos = new long[37];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = 1_000L + i;
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int b = 0; b < batches; b++) {
                if (b % 3 == 0) {
                    recorder.record(500);
                } else {
                    recorder.recordAll(nanos, nanos.length);
                }
            }
            writing.set(false);
        });
        long reads = 0;
        long last = 0;
        while (writing.get()) {
            long count = recorder.summary().count();
            assertThat(count).isGreaterThanOrEqualTo(last);
            last = count;
            reads++;
        }
        writer.join();
        long singles = (batches + 2) / 3;
        assertThat(recorder.summary().count()).isEqualTo(singles + (batches - singles) * nanos.length);
        assertThat(reads).isPositive();
    }
}
