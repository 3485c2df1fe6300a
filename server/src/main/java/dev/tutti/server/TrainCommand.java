package dev.tutti.server;

import dev.tutti.combine.Task;
import dev.tutti.trainer.LibraryTrainer;
import dev.tutti.trainer.MemberResult;
import dev.tutti.trainer.TrainingConfig;
import dev.tutti.trainer.TrainingReport;
import dev.tutti.trainer.plan.LibraryPlan;
import dev.tutti.trainer.progress.ConsoleProgress;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tutti train}: parses the options, wires a {@link LibraryTrainer} to a console progress
 * display and a Ctrl-C hook, prints the CV table. Exit codes: 0 when at least one member was
 * trained and none failed (members the time budget skipped are reported, not failures), 1 when a
 * member failed, none was trained or the data is unusable, 2 bad options, 130 interrupted (Ctrl-C).
 *
 * <p>Threads: picocli's thread runs the training; the shutdown hook only asks it to stop and waits
 * (up to 30 s) until the report is printed.
 */
@Command(name = "train", sortOptions = false,
        description = "Train a library of diverse members (XGBoost, LightGBM, random forests, linear models, MLPs) from a CSV,"
                + " with out-of-fold predictions, into a registry (docs/training.md).")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "CSV", description = "Training data: a CSV file with a header line.")
    Path data;

    @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column to predict.")
    String target;

    @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Registry directory (created when absent).")
    Path registry;

    @Option(names = "--library", required = true, paramLabel = "NAME", description = "Library name; members are registered as NAME-MEMBER.")
    String library;

    @Option(names = "--task", defaultValue = "auto", paramLabel = "TASK",
            description = "auto, binary, multiclass or regression (default: ${DEFAULT-VALUE}: inferred from the target).")
    String task;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of folds, members and batch orders (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "small", paramLabel = "SIZE",
            description = "small (5 members), medium (14), large (30) or a number N (the first N of a grid; default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--time-budget", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop starting members after this long, e.g. 90s, 10m, 1h30m; members not started are reported.")
    Duration timeBudget;

    @Option(names = "--ignore", split = ",", paramLabel = "COLUMN", description = "Columns to leave out (identifiers, leaks).")
    List<String> ignored = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainingConfig config;
        try {
            Task chosen = task.equalsIgnoreCase("auto") ? null : parseTask(task);
            config = new TrainingConfig(data, target, registry, library, chosen, folds, seed, LibraryPlan.forSize(size), timeBudget,
                    ignored, TrainingConfig.DEFAULT_PARITY_ROWS);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintStream err = System.err;
        Console console = System.console();
        LibraryTrainer trainer = new LibraryTrainer(config, new ConsoleProgress(err, console != null && console.isTerminal()));
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.cancel();
            err.println("\ntutti train: interrupted; finishing the current fit, nothing half-written will be registered");
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tutti-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingReport report;
        try {
            report = trainer.run();
            print(report); // before the hook is released: after Ctrl-C the JVM halts once the hook returns
        } finally {
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting (Ctrl-C): the hook is running
        }
        if (report.cancelled()) {
            return 130;
        }
        return report.with(MemberResult.Status.FAILED).isEmpty() && !report.with(MemberResult.Status.TRAINED).isEmpty() ? 0 : 1;
    }

    private static Task parseTask(String text) {
        try {
            return Task.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--task is auto, binary, multiclass or regression, not '" + text + "'");
        }
    }

    private static void print(TrainingReport report) {
        PrintStream out = System.out;
        out.flush();
        String classes = report.schema().classes().isEmpty() ? "" : ", classes " + report.schema().classes();
        out.printf(Locale.ROOT, "%nlibrary %s: %s, target '%s'%s, %d rows, %d folds%n", report.library(),
                report.schema().task().name().toLowerCase(Locale.ROOT), report.schema().target(), classes, report.rows(), report.folds());
        out.print(report.table());
        for (MemberResult m : report.with(MemberResult.Status.FAILED)) {
            out.printf("failed:  %s: %s%n", m.name(), m.reason());
        }
        for (MemberResult m : report.with(MemberResult.Status.SKIPPED)) {
            out.printf("skipped: %s: %s%n", m.name(), m.reason());
        }
        out.printf(Locale.ROOT, "%d trained, %d failed, %d skipped in %s%n", report.with(MemberResult.Status.TRAINED).size(),
                report.with(MemberResult.Status.FAILED).size(), report.with(MemberResult.Status.SKIPPED).size(),
                TrainingReport.format(report.took()));
        if (report.libraryVersion() > 0) {
            out.printf("registry: %s (library %s@%d in libraries/%s/%d)%n", report.registry(), report.library(), report.libraryVersion(),
                    report.library(), report.libraryVersion());
        } else {
            out.println("interrupted: no library version written; the members listed above as trained are registered, complete");
        }
    }

    /** Durations as {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2h}, or ISO-8601 ({@code PT10M}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SHORT.matcher(text);
            if (!text.isEmpty() && m.matches()) {
                return Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
            }
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + value + "' is not a duration; write e.g. 90s, 10m or 1h30m");
            }
        }

        private static long group(Matcher m, int group) {
            return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
        }
    }
}
