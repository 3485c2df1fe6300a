package dev.tutti.trainer.data;

import dev.tutti.combine.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The k-fold split every member of a library shares (so that their out-of-fold predictions line up
 * for stacking): each row belongs to exactly one fold. Classification folds are stratified (each
 * class's rows, shuffled, are dealt to the folds in turn, continuing from class to class, so fold
 * sizes differ by at most one); regression rows are shuffled and dealt. Deterministic for a seed.
 *
 * <p>Threads: immutable.
 */
public final class Folds {
    private final int[] foldOfRow;
    private final int folds;

    private Folds(int[] foldOfRow, int folds) {
        this.foldOfRow = foldOfRow;
        this.folds = folds;
    }

    public static Folds assign(Dataset data, int folds, long seed) {
        if (folds < 2 || folds > data.rowCount()) {
            throw new IllegalArgumentException("folds must be between 2 and the row count (" + data.rowCount() + "), not " + folds);
        }
        Random random = new Random(seed);
        int[] fold = new int[data.rowCount()];
        List<int[]> groups = new ArrayList<>();
        if (data.schema().task() == Task.REGRESSION) {
            groups.add(data.allRows());
        } else {
            for (int k = 0; k < data.schema().classes().size(); k++) {
                int cls = k;
                groups.add(IntStream.range(0, data.rowCount()).filter(r -> data.target(r) == cls).toArray());
            }
        }
        int next = 0;
        for (int[] group : groups) {
            shuffle(group, random);
            for (int row : group) {
                fold[row] = next;
                next = (next + 1) % folds;
            }
        }
        return new Folds(fold, folds);
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    public int count() {
        return folds;
    }

    public int foldOf(int row) {
        return foldOfRow[row];
    }

    /** Rows outside fold {@code k} (what a fold's model trains on), ascending. */
    public int[] trainingRows(int k) {
        return IntStream.range(0, foldOfRow.length).filter(r -> foldOfRow[r] != k).toArray();
    }

    /** Rows of fold {@code k} (what a fold's model predicts), ascending. */
    public int[] heldOutRows(int k) {
        return IntStream.range(0, foldOfRow.length).filter(r -> foldOfRow[r] == k).toArray();
    }
}
