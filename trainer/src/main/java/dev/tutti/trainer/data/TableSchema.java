package dev.tutti.trainer.data;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.InputSchema;
import java.util.List;
import java.util.Map;

/**
 * What schema inference found in a CSV: the input features members are served with (in the CSV's
 * column order, the target and ignored columns left out), the target and its task, and the classes
 * in class-index order (binary: negative, positive; empty for regression). Immutable.
 *
 * @param features every feature allows missing values and a categorical one treats an unknown label
 *     as missing, so that a served member takes any row the CSV could hold
 * @param missingCounts per feature name, the missing cells seen in the training data
 */
public record TableSchema(InputSchema features, String target, Task task, List<String> classes, Map<String, Integer> missingCounts) {

    public TableSchema {
        classes = List.copyOf(classes);
        missingCounts = Map.copyOf(missingCounts);
    }

    /** Scores per row a member of this task writes: 1 (binary, regression) or the class count. */
    public int outputs() {
        return task.outputs(classes.size());
    }
}
