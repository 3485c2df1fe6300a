package dev.tutti.engine.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.testing.GoldenSet;
import dev.tutti.engine.testing.SyntheticRuntime;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state of a batch in flight: exactly one report or expiry ends it, and nothing a member
 * reports after the end, or for an older epoch, reaches its answers.
 */
class InFlightBatchTest {
    private static final int ROWS = 4;
    private static final long SECOND = 1_000_000_000L;

    private Ensemble ensemble;
    private InFlightBatch batch;
    private int members;

    @BeforeEach
    void load() throws Exception {
        ensemble = new EnsembleLoader(new MemberRuntimes(List.of(new SyntheticRuntime())))
                .load(GoldenSet.repoRoot().resolve("ensembles/telco-churn/1"));
        members = ensemble.members().size();
        batch = new InFlightBatch(0, ensemble, 8);
        batch.load(GoldenSet.load("telco").encodedRows(0, ROWS), ROWS);
    }

    @AfterEach
    void close() {
        ensemble.close();
    }

    private static ScoreMatrix scores(float value) {
        ScoreMatrix scores = new ScoreMatrix(1, 1, 8);
        scores.rows(ROWS);
        Arrays.fill(scores.data(), value);
        return scores;
    }

    @Test
    void shouldEndWithTheLastReportAndRefuseReportsAfterIt() {
        batch.open(1, 0, SECOND);
        assertThat(batch.dispatched()).isFalse();
        for (int m = 0; m < members - 1; m++) {
            assertThat(batch.start(1, m, 1)).isTrue();
            assertThat(batch.report(1, m, scores(0.25f), null)).isEqualTo(InFlightBatch.Report.ON_TIME);
        }
        int last = members - 1;
        assertThat(batch.start(1, last, 1)).isTrue();
        assertThat(batch.report(1, last, scores(0.75f), null)).isEqualTo(InFlightBatch.Report.LAST);

        assertThat(batch.report(1, 0, scores(0.5f), null)).isEqualTo(InFlightBatch.Report.LATE);
        assertThat(batch.expire(2 * SECOND)).as("already ended").isFalse();
        assertThat(batch.predictions().memberOutput(0, 0, 0)).isEqualTo(0.25f);
        assertThat(batch.predictions().memberOutput(last, 0, ROWS - 1)).isEqualTo(0.75f);
        assertThat(batch.state(last)).isEqualTo(InFlightBatch.ANSWERED);
    }

    @Test
    void shouldRefuseAReportOfAnEarlierEpochOnceTheBatchIsReused() {
        batch.open(1, 0, SECOND);
        assertThat(batch.start(1, 0, 1)).isTrue();
        assertThat(batch.expire(SECOND)).isTrue();

        batch.open(2, SECOND, 2 * SECOND);
        assertThat(batch.report(1, 0, scores(0.9f), null)).as("the late call of epoch 1").isEqualTo(InFlightBatch.Report.LATE);
        assertThat(batch.start(1, 0, SECOND + 1)).as("a stale mailbox entry").isFalse();
        assertThat(batch.state(0)).isEqualTo(InFlightBatch.QUEUED);
        assertThat(batch.predictions().memberPresent(0)).isTrue();
        assertThat(batch.predictions().memberOutput(0, 0, 0)).isNotEqualTo(0.9f);
    }

    @Test
    void shouldEndAtTheDeadlineAndIgnoreWhatTheDispatcherDoesAfter() {
        batch.open(1, 0, SECOND);
        assertThat(batch.start(1, 0, 1)).isTrue();
        assertThat(batch.expire(SECOND - 1)).isFalse();
        assertThat(batch.expire(SECOND)).isTrue();
        assertThat(batch.expire(SECOND)).as("only once").isFalse();

        batch.skip(1, "circuit breaker open");
        assertThat(batch.dispatched()).as("the expiry ended it").isFalse();
        assertThat(batch.state(0)).isEqualTo(InFlightBatch.RUNNING);
        assertThat(batch.state(1)).isEqualTo(InFlightBatch.QUEUED);
        assertThat(batch.start(1, 2, SECOND + 1)).isFalse();
    }

    @Test
    void shouldNotStartAMemberOnceTheDeadlinePassed() {
        batch.open(1, 0, SECOND);
        assertThat(batch.start(1, 0, SECOND)).isFalse();
        assertThat(batch.state(0)).isEqualTo(InFlightBatch.QUEUED);
    }

    @Test
    void shouldEndOnTheDispatchWhenEveryMemberWasSkipped() {
        batch.open(1, 0, SECOND);
        for (int m = 0; m < members; m++) {
            batch.skip(m, "circuit breaker open");
        }
        assertThat(batch.openDeadline()).isEqualTo(SECOND);
        assertThat(batch.dispatched()).isTrue();
        assertThat(batch.openDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(batch.predictions().memberPresent(0)).isFalse();
        assertThat(batch.predictions().memberError(0)).isEqualTo("circuit breaker open");
    }

    @Test
    void shouldKeepAFailedMembersErrorAndCountItAsReported() {
        batch.open(1, 0, SECOND);
        assertThat(batch.dispatched()).isFalse();
        for (int m = 1; m < members; m++) {
            batch.skip(m, "skipped");
        }
        assertThat(batch.start(1, 0, 1)).isTrue();
        assertThat(batch.report(1, 0, scores(0f), "NaN in row 2")).isEqualTo(InFlightBatch.Report.LAST);
        assertThat(batch.state(0)).isEqualTo(InFlightBatch.FAILED);
        assertThat(batch.predictions().memberError(0)).isEqualTo("NaN in row 2");
        FloatBuffer rows = batch.rowBuffer();
        assertThat(rows.get(0)).isEqualTo(GoldenSet.load("telco").encodedRows(0, 1).get(0));
    }
}
