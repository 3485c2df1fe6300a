package dev.tutti.trainer;

import dev.tutti.combine.Task;
import dev.tutti.trainer.MemberResult.Status;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.metrics.CvMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training run did: the library version written (0 when cancelled), every member's outcome,
 * the time it took, and the CV metrics table. Immutable once {@link LibraryTrainer#run} returns it.
 *
 * @param members in plan order
 */
public record TrainingReport(
        String library,
        int libraryVersion,
        TableSchema schema,
        int rows,
        int folds,
        String dataSha256,
        List<MemberResult> members,
        Duration took,
        boolean cancelled,
        Path registry) {

    public TrainingReport {
        members = List.copyOf(members);
    }

    public List<MemberResult> with(Status status) {
        return members.stream().filter(m -> m.status() == status).toList();
    }

    /** The CV metrics of the trained members, best first by the task's first metric, as a text table. */
    public String table() {
        return table(schema.task(), members);
    }

    static String table(Task task, List<MemberResult> results) {
        List<MemberResult> trained = new ArrayList<>(results.stream().filter(m -> m.status() == Status.TRAINED).toList());
        if (trained.isEmpty()) {
            return "(no member trained)\n";
        }
        List<String> metrics = List.copyOf(trained.getFirst().cv().keySet());
        String key = metrics.getFirst();
        Comparator<MemberResult> order = Comparator.comparingDouble(m -> m.cv().get(key));
        trained.sort(CvMetrics.higherIsBetter(key) ? order.reversed() : order);
        int width = Math.max(14, trained.stream().mapToInt(m -> (m.name() + "@" + m.version()).length()).max().orElse(14));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-" + width + "s  %-13s", "member@version", "format"));
        for (String m : metrics) {
            out.append(String.format(Locale.ROOT, " %10s", m));
        }
        out.append(String.format(Locale.ROOT, " %9s%n", "time"));
        for (MemberResult m : trained) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %-13s", m.name() + "@" + m.version(), m.format()));
            for (String metric : metrics) {
                out.append(String.format(Locale.ROOT, " %10s", number(m.cv().get(metric))));
            }
            out.append(String.format(Locale.ROOT, " %9s%n", format(m.took())));
        }
        return out.toString();
    }

    private static String number(Double value) {
        if (value == null || value.isNaN()) {
            return "-";
        }
        double a = Math.abs(value);
        return a != 0 && (a >= 1e5 || a < 1e-3) ? String.format(Locale.ROOT, "%.4g", value)
                : a >= 100 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.4f", value);
    }

    /** A duration as {@code 1h02m03s}, {@code 4m05s} or {@code 6.2s}. */
    public static String format(Duration d) {
        long seconds = d.toSeconds();
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm%02ds", seconds / 3600, seconds % 3600 / 60, seconds % 60);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /** Member name to its CV metrics, for the trained members. */
    public Map<String, Map<String, Double>> cvByMember() {
        java.util.LinkedHashMap<String, Map<String, Double>> out = new java.util.LinkedHashMap<>();
        with(Status.TRAINED).forEach(m -> out.put(m.name(), m.cv()));
        return out;
    }
}
