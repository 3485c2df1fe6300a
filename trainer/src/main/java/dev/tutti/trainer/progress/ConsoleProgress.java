package dev.tutti.trainer.progress;

import dev.tutti.trainer.MemberResult;
import dev.tutti.trainer.TrainingListener;
import dev.tutti.trainer.TrainingReport;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The progress display of {@code tutti train}: one line per member when it ends (its time, its
 * first CV metrics, the library's progress and ETA) and, on a terminal, a live bar redrawn after
 * every fold with the member's and the library's ETA.
 *
 * <p>ETAs count fits (each member: one per fold plus the refit) and price each remaining fit at
 * the mean fit time measured so far for its family (all families' mean until a family has one).
 *
 * <p>Threads: the training thread only (it is a {@link TrainingListener}).
 */
public final class ConsoleProgress implements TrainingListener {
    private static final int BAR = 20;
    private final PrintStream out;
    private final boolean live;
    private final Map<String, Duration> familyFitTime = new HashMap<>();
    private final Map<String, Integer> familyFits = new HashMap<>();
    private List<MemberRecipe> plan = List.of();
    private int folds;
    private int membersDone;
    private int memberFitsDone;
    private boolean barShown;

    /**
     * @param live whether {@code out} is a terminal that can redraw a line ({@code \r})
     */
    public ConsoleProgress(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public void started(List<MemberRecipe> plan, int folds, int rows) {
        this.plan = List.copyOf(plan);
        this.folds = folds;
        out.printf(Locale.ROOT, "training %d member(s) on %d rows: %d-fold cross-validation, then a refit on all rows%n", plan.size(), rows, folds);
    }

    @Override
    public void memberStarted(int index, MemberRecipe recipe) {
        memberFitsDone = 0;
        drawBar(index, recipe);
    }

    @Override
    public void fitFinished(int index, MemberRecipe recipe, int fit, Duration took) {
        familyFitTime.merge(recipe.family(), took, Duration::plus);
        familyFits.merge(recipe.family(), 1, Integer::sum);
        memberFitsDone++;
        drawBar(index, recipe);
    }

    @Override
    public void memberFinished(int index, MemberResult result) {
        clearBar();
        String outcome = switch (result.status()) {
            case TRAINED -> "trained in " + TrainingReport.format(result.took()) + "  " + firstMetrics(result);
            case FAILED -> "FAILED after " + TrainingReport.format(result.took()) + ": " + result.reason();
            case SKIPPED -> "skipped: " + result.reason();
        };
        membersDone++;
        memberFitsDone = 0;
        String library = result.status() == MemberResult.Status.SKIPPED ? "" : "  | library " + libraryProgress();
        out.printf(Locale.ROOT, "%s %s  %s%s%n", counter(index), result.name(), outcome, library);
    }

    private void drawBar(int index, MemberRecipe recipe) {
        if (!live) {
            return;
        }
        int perMember = fitsPerMember();
        int filled = BAR * memberFitsDone / perMember;
        String stage = memberFitsDone < folds ? "fold " + (memberFitsDone + 1) + "/" + folds : "refit";
        Duration memberLeft = fitTime(recipe.family()).multipliedBy(perMember - memberFitsDone);
        out.printf(Locale.ROOT, "\r%s %s  %-9s [%s%s] member ETA %s | library %s\u001b[K", counter(index), recipe.id(), stage,
                "#".repeat(filled), ".".repeat(BAR - filled), TrainingReport.format(memberLeft), libraryProgress());
        out.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            out.print("\r\u001b[K");
            barShown = false;
        }
    }

    private String counter(int index) {
        int digits = Integer.toString(plan.size()).length();
        return String.format(Locale.ROOT, "[%" + digits + "d/%d]", index + 1, plan.size());
    }

    private int fitsPerMember() {
        return folds + 1;
    }

    private String libraryProgress() {
        int total = plan.size() * fitsPerMember();
        int fitsDone = membersDone * fitsPerMember() + memberFitsDone;
        Duration left = Duration.ZERO;
        for (int i = membersDone; i < plan.size(); i++) {
            int remaining = i == membersDone ? fitsPerMember() - memberFitsDone : fitsPerMember();
            left = left.plus(fitTime(plan.get(i).family()).multipliedBy(remaining));
        }
        return String.format(Locale.ROOT, "%d%% ETA %s", 100 * fitsDone / Math.max(1, total), TrainingReport.format(left));
    }

    /** Mean fit time of a family so far, or of every family when it has none yet. */
    private Duration fitTime(String family) {
        Integer n = familyFits.get(family);
        if (n != null) {
            return familyFitTime.get(family).dividedBy(n);
        }
        int all = familyFits.values().stream().mapToInt(Integer::intValue).sum();
        return all == 0 ? Duration.ZERO : familyFitTime.values().stream().reduce(Duration.ZERO, Duration::plus).dividedBy(all);
    }

    private static String firstMetrics(MemberResult result) {
        StringBuilder s = new StringBuilder();
        result.cv().entrySet().stream().limit(2).forEach(e -> s.append(e.getKey()).append(' ')
                .append(String.format(Locale.ROOT, Math.abs(e.getValue()) >= 100 ? "%.1f" : "%.4f", e.getValue())).append("  "));
        return s.toString().trim();
    }
}
