package dev.tutti.combine;

import java.util.Arrays;
import java.util.Random;

/** Test helpers: building score matrices from arrays and random member scores. */
final class Matrices {
    private Matrices() {}

    /** Extra capacity beyond the rows, so that tests notice a combiner that ignores the capacity stride. */
    static final int SLACK = 3;

    /** A matrix from {@code values[member][output][row]}, with capacity {@code rows + SLACK}. */
    static ScoreMatrix of(float[][][] values) {
        int members = values.length;
        int outputs = values[0].length;
        int rows = values[0][0].length;
        ScoreMatrix matrix = new ScoreMatrix(members, outputs, rows + SLACK);
        for (int m = 0; m < members; m++) {
            matrix.fillMember(m, -12345f); // junk beyond the rows
            for (int k = 0; k < outputs; k++) {
                for (int row = 0; row < rows; row++) {
                    matrix.set(m, k, row, values[m][k][row]);
                }
            }
        }
        matrix.rows(rows);
        return matrix;
    }

    /** A one-output matrix from each member's rows. */
    static ScoreMatrix single(float[]... members) {
        float[][][] values = new float[members.length][][];
        for (int m = 0; m < members.length; m++) {
            values[m] = new float[][] {members[m]};
        }
        return of(values);
    }

    /** A multiclass matrix with one row from each member's class probabilities. */
    static ScoreMatrix row(float[]... members) {
        float[][][] values = new float[members.length][][];
        for (int m = 0; m < members.length; m++) {
            values[m] = new float[members[m].length][1];
            for (int k = 0; k < members[m].length; k++) {
                values[m][k][0] = members[m][k];
            }
        }
        return of(values);
    }

    static boolean[] all(int members) {
        boolean[] present = new boolean[members];
        Arrays.fill(present, true);
        return present;
    }

    /** Combines into a fresh output matrix. */
    static ScoreMatrix combine(Combiner combiner, ScoreMatrix scores, boolean[] present, FeatureRows features) {
        ScoreMatrix out = new ScoreMatrix(1, combiner.outputs(), scores.rows() + SLACK);
        combiner.combine(scores, present, features, out);
        return out;
    }

    static ScoreMatrix combine(Combiner combiner, ScoreMatrix scores, boolean[] present) {
        return combine(combiner, scores, present, null);
    }

    /** Random member scores {@code [member][output][row]} fitting the task. */
    static float[][][] random(Random random, Task task, int members, int outputs, int rows) {
        float[][][] values = new float[members][outputs][rows];
        for (int m = 0; m < members; m++) {
            for (int row = 0; row < rows; row++) {
                switch (task) {
                    case BINARY -> values[m][0][row] = 0.02f + 0.96f * random.nextFloat();
                    case REGRESSION -> values[m][0][row] = (float) (5 + 10 * random.nextGaussian());
                    case MULTICLASS -> {
                        double[] e = new double[outputs];
                        double sum = 0;
                        for (int k = 0; k < outputs; k++) {
                            e[k] = Math.exp(1.5 * random.nextGaussian());
                            sum += e[k];
                        }
                        for (int k = 0; k < outputs; k++) {
                            values[m][k][row] = (float) (e[k] / sum);
                        }
                    }
                }
            }
        }
        return values;
    }

    /** The members of {@code values} listed in {@code order}, in that order. */
    static float[][][] select(float[][][] values, int[] order) {
        float[][][] selected = new float[order.length][][];
        for (int i = 0; i < order.length; i++) {
            selected[i] = values[order[i]];
        }
        return selected;
    }

    static boolean[] select(boolean[] values, int[] order) {
        boolean[] selected = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            selected[i] = values[order[i]];
        }
        return selected;
    }

    /** A random permutation of {@code [0, n)}. */
    static int[] permutation(Random random, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** {@code [0, n)} without {@code skip}. */
    static int[] without(int n, int skip) {
        int[] order = new int[n - 1];
        for (int i = 0, j = 0; i < n; i++) {
            if (i != skip) {
                order[j++] = i;
            }
        }
        return order;
    }
}
