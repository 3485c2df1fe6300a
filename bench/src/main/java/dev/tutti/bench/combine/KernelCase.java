package dev.tutti.bench.combine;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.GeometricMean;
import dev.tutti.combine.LogitAverage;
import dev.tutti.combine.RankAverage;
import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Stacking;
import dev.tutti.combine.StackingModel;
import dev.tutti.combine.Task;
import dev.tutti.combine.Voting;
import dev.tutti.combine.WeightedAverage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The inputs of one kernel benchmark, built from a name such as {@code geometric-mean/binary} and a
 * shape {@code ROWSxMEMBERS}: a scalar combiner with random weights (seeded), member scores of the
 * task (binary probabilities in (0.02, 0.98); {@value #CLASSES} class distributions; regression values
 * around 5), every member present. Rank averaging gets 101 quantiles per member, as the bundled
 * ensembles have; stacking a full random meta-model on logits (values for regression).
 *
 * <p>Small batches come as {@link #batches} different batches of {@value #ROTATION_ROWS} rows in
 * all, which the benchmarks take in turn. One batch of 2,560 scores scored again and again is a
 * sequence a branch predictor learns by heart: the scalar rank average's binary searches then ran
 * 4x faster than on rotating batches, which no server sees (each batch is new).
 *
 * <p>Threads: built once per benchmark trial. Allocation: at construction only.
 */
final class KernelCase {
    /** Classes of the multiclass cases. */
    static final int CLASSES = 4;
    /** Rows of all the rotated batches together (the 4096-row shape is one batch). */
    static final int ROTATION_ROWS = 4096;
    private static final int QUANTILES = 101;

    final Task task;
    final int rows;
    final int members;
    final Combiner reference;
    /** Batches of member scores, {@code members x outputs x rows} each: a power of two of them. */
    final ScoreMatrix[] batches;
    final boolean[] present;

    KernelCase(String name, String shape) {
        this(name, shape, "rotating");
    }

    /** @param inputs {@code rotating} (see the class comment) or {@code repeated}: one batch scored again and again */
    KernelCase(String name, String shape, String inputs) {
        String[] parts = name.split("/");
        String[] size = shape.split("x");
        this.task = Task.valueOf(parts[1].toUpperCase(Locale.ROOT));
        this.rows = Integer.parseInt(size[0]);
        this.members = Integer.parseInt(size[1]);
        int outputs = task.outputs(CLASSES);
        Random random = new Random(42);
        double[] weights = new double[members];
        Arrays.setAll(weights, m -> 0.1 + random.nextDouble());
        this.reference = switch (parts[0]) {
            case "weighted-average", "combined" -> new WeightedAverage(task, outputs, weights);
            case "voting" -> new Voting(task, outputs, weights);
            case "rank-average" -> new RankAverage(weights, quantiles(random));
            case "geometric-mean" -> new GeometricMean(task, outputs, weights);
            case "logit-average" -> new LogitAverage(task, outputs, weights);
            case "stacking" -> new Stacking(task, outputs, stackingModel(random, outputs));
            default -> throw new IllegalArgumentException("unknown kernel " + parts[0]);
        };
        boolean rotating = switch (inputs) {
            case "rotating" -> true;
            case "repeated" -> false;
            default -> throw new IllegalArgumentException("inputs must be rotating or repeated, not " + inputs);
        };
        this.batches = new ScoreMatrix[rotating ? Integer.highestOneBit(Math.max(1, ROTATION_ROWS / rows)) : 1];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = new ScoreMatrix(members, outputs, rows);
            batches[b].rows(rows);
            for (int m = 0; m < members; m++) {
                for (int row = 0; row < rows; row++) {
                    fillRow(random, batches[b], m, row, outputs);
                }
            }
        }
        this.present = new boolean[members];
        Arrays.fill(present, true);
    }

    private void fillRow(Random random, ScoreMatrix scores, int m, int row, int outputs) {
        switch (task) {
            case BINARY -> scores.set(m, 0, row, 0.02f + 0.96f * random.nextFloat());
            case REGRESSION -> scores.set(m, 0, row, (float) (5 + 10 * random.nextGaussian()));
            case MULTICLASS -> {
                double[] e = new double[outputs];
                double sum = 0;
                for (int k = 0; k < outputs; k++) {
                    e[k] = Math.exp(1.5 * random.nextGaussian());
                    sum += e[k];
                }
                for (int k = 0; k < outputs; k++) {
                    scores.set(m, k, row, (float) (e[k] / sum));
                }
            }
        }
    }

    private float[][] quantiles(Random random) {
        float[][] q = new float[members][QUANTILES];
        for (float[] member : q) {
            for (int i = 0; i < QUANTILES; i++) {
                member[i] = random.nextFloat();
            }
            Arrays.sort(member);
        }
        return q;
    }

    private StackingModel stackingModel(Random random, int outputs) {
        double[][] coefficients = new double[members][outputs * outputs];
        for (double[] c : coefficients) {
            Arrays.setAll(c, i -> random.nextGaussian());
        }
        double[] intercept = new double[outputs];
        Arrays.setAll(intercept, i -> random.nextGaussian());
        StackingModel.Input input = task == Task.REGRESSION ? StackingModel.Input.PROBABILITY : StackingModel.Input.LOGIT;
        return new StackingModel(StackingModel.Link.of(task), input, intercept, coefficients, new int[0], new double[0][],
                new double[members * outputs]);
    }

    /** An output matrix for the combined result. */
    ScoreMatrix newOutput() {
        return new ScoreMatrix(1, reference.outputs(), rows);
    }
}
