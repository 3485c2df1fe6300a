package dev.tutti.trainer.data;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.schema.TextRowEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Infers a {@link TableSchema} from the text of a CSV, reading cells exactly as serving will
 * ({@link TextRowEncoder}'s missing markers and number syntax):
 *
 * <ul>
 *   <li>a column whose every present cell is a finite number is numeric; otherwise it is categorical,
 *       its labels sorted (so codes do not depend on row order);
 *   <li>a column that is numeric but for a few cells (under 1 % of its present cells) is refused
 *       with the line of the first odd cell: a typo is likelier than a categorical column;
 *   <li>a categorical column with more than {@value #MAX_CATEGORIES} labels is refused (an identifier?
 *       leave it out);
 *   <li>the task ({@code auto}): a text target with 2 labels is binary, with more multiclass; a
 *       numeric target with 2 distinct values is binary, otherwise regression. Classes are sorted
 *       (numerically when they are numbers), so for binary tasks the positive class is the second.
 * </ul>
 *
 * <p>Threads: stateless.
 */
public final class SchemaInference {
    static final int MAX_CATEGORIES = 1000;

    private SchemaInference() {}

    /**
     * @param task {@code null} for automatic, or the task the user asked for
     * @param ignored column names to leave out of the features
     */
    public static TableSchema infer(CsvTable table, String target, Task task, List<String> ignored) throws TrainingException {
        int targetColumn = table.column(target);
        if (targetColumn < 0) {
            throw new TrainingException(table.file() + ": no target column '" + target + "'; the columns are " + table.header());
        }
        for (String name : ignored) {
            if (table.column(name) < 0) {
                throw new TrainingException(table.file() + ": --ignore names column '" + name + "', which is not in " + table.header());
            }
        }
        List<FeatureSpec> features = new ArrayList<>();
        Map<String, Integer> missing = new LinkedHashMap<>();
        for (int c = 0; c < table.header().size(); c++) {
            String name = table.header().get(c);
            if (c == targetColumn || ignored.contains(name)) {
                continue;
            }
            Column column = Column.scan(table, c);
            features.add(column.feature(table));
            missing.put(name, column.missing);
        }
        if (features.isEmpty()) {
            throw new TrainingException(table.file() + ": no feature columns besides the target '" + target + "'");
        }
        Column labels = Column.scan(table, targetColumn);
        if (labels.missing > 0) {
            throw new TrainingException(table.file() + ": line " + table.line(labels.firstMissingRow) + ": the target '" + target
                    + "' is missing (" + labels.missing + " rows have no target; remove them or fill them in)");
        }
        Task chosen = task != null ? task : labels.nonNumeric == 0 && labels.distinct.size() != 2 ? Task.REGRESSION
                : labels.distinct.size() == 2 ? Task.BINARY : Task.MULTICLASS;
        List<String> classes = List.of();
        if (labels.distinct.size() < 2) {
            throw new TrainingException(table.file() + ": the target '" + target + "' has one value ('" + labels.distinct.iterator().next()
                    + "') in all " + table.rowCount() + " rows: there is nothing to learn");
        }
        switch (chosen) {
            case REGRESSION -> {
                if (labels.nonNumeric > 0) {
                    throw new TrainingException(table.file() + ": line " + table.line(labels.firstNonNumericRow) + ": the target '" + target
                            + "' is '" + table.cell(labels.firstNonNumericRow, targetColumn).trim() + "', not a number; regression needs numbers");
                }
            }
            case BINARY -> {
                if (labels.distinct.size() != 2) {
                    throw new TrainingException(table.file() + ": the target '" + target + "' has " + labels.distinct.size()
                            + " distinct values; a binary task needs exactly 2");
                }
                classes = labels.sortedLabels();
            }
            case MULTICLASS -> {
                if (labels.distinct.size() < 3) {
                    throw new TrainingException(table.file() + ": the target '" + target + "' has " + labels.distinct.size()
                            + " distinct values; a multiclass task needs 3 or more (use --task binary)");
                }
                if (labels.distinct.size() > MAX_CATEGORIES) {
                    throw new TrainingException(table.file() + ": the target '" + target + "' has " + labels.distinct.size()
                            + " distinct values; that is not a classification target (use --task regression)");
                }
                classes = labels.sortedLabels();
            }
        }
        return new TableSchema(new InputSchema(features), target, chosen, classes, missing);
    }

    /** What one pass over a column's cells found. */
    private static final class Column {
        final int index;
        final String name;
        final Set<String> distinct = new HashSet<>();
        int missing;
        int numbers;
        int nonNumeric;
        int firstMissingRow = -1;
        int firstNonNumericRow = -1;

        private Column(int index, String name) {
            this.index = index;
            this.name = name;
        }

        static Column scan(CsvTable table, int index) {
            Column column = new Column(index, table.header().get(index));
            for (int r = 0; r < table.rowCount(); r++) {
                String cell = table.cell(r, index);
                if (TextRowEncoder.isMissingMarker(cell)) {
                    column.missing++;
                    if (column.firstMissingRow < 0) {
                        column.firstMissingRow = r;
                    }
                    continue;
                }
                column.distinct.add(cell.trim());
                if (TextRowEncoder.isFiniteNumber(cell)) {
                    column.numbers++;
                } else {
                    column.nonNumeric++;
                    if (column.firstNonNumericRow < 0) {
                        column.firstNonNumericRow = r;
                    }
                }
            }
            return column;
        }

        FeatureSpec feature(CsvTable table) throws TrainingException {
            int present = numbers + nonNumeric;
            if (present == 0) {
                throw new TrainingException(table.file() + ": column '" + name + "' is empty in every row; leave it out with --ignore " + name);
            }
            if (nonNumeric == 0) {
                return new FeatureSpec(name, FeatureType.NUMERIC, List.of(), true, false);
            }
            if (nonNumeric * 100L < present) {
                throw new TrainingException(table.file() + ": line " + table.line(firstNonNumericRow) + ": column '" + name + "' is '"
                        + table.cell(firstNonNumericRow, index).trim() + "', but " + numbers + " of its " + present
                        + " values are numbers; fix the cell or write NA for a missing value");
            }
            if (distinct.size() > MAX_CATEGORIES) {
                throw new TrainingException(table.file() + ": column '" + name + "' has " + distinct.size()
                        + " distinct labels (an identifier?); leave it out with --ignore " + name);
            }
            return new FeatureSpec(name, FeatureType.CATEGORICAL, sortedLabels(), true, true);
        }

        /** Numeric labels by value, text labels in string order. */
        List<String> sortedLabels() {
            boolean allNumbers = nonNumeric == 0;
            Comparator<String> order = allNumbers
                    ? Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder())
                    : Comparator.naturalOrder();
            TreeSet<String> sorted = new TreeSet<>(order);
            sorted.addAll(distinct);
            return List.copyOf(sorted);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d numbers, %d text, %d missing", name, numbers, nonNumeric, missing);
        }
    }
}
