package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rows made to hit every edge of a model's decisions: for each feature, values drawn from its split
 * thresholds and the floats just below and above them (LightGBM's double thresholds fall between
 * floats), NaN, both zeros, values within LightGBM's zero threshold, infinities, negative and
 * fractional categories, categories at and beyond 62 and 64, and huge values; for the features of
 * categorical splits, every category from 0 to 64 and the fractions between them.
 */
final class AwkwardRows {
    private static final float[] SPECIAL = {
        Float.NaN, 0f, -0f, 1e-36f, -1e-36f, 1e-35f, 1.1e-35f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        -0.5f, -1f, -1.5f, 0.5f, 1f, 2f, 3f, 31f, 32f, 61f, 62f, 63f, 64f, 65f, 70f, 100f, 1e7f, 3e9f, -3e9f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE
    };

    private AwkwardRows() {}

    /** {@code count} rows of {@code width >= featureCount} floats, seeded. */
    static float[][] of(TreeEnsemble model, int width, int count, long seed) {
        List<List<Float>> candidates = new ArrayList<>();
        for (int f = 0; f < width; f++) {
            List<Float> values = new ArrayList<>();
            for (float v : SPECIAL) {
                values.add(v);
            }
            candidates.add(values);
        }
        for (int n = 0; n < model.nodeCount(); n++) {
            if ((model.splitFlags(n) & TreeEnsemble.CATEGORICAL) != 0) {
                // every category a set can hold a bit for (and fractions of them), up to 64 and 127
                List<Float> values = candidates.get(model.splitFeature(n));
                if (!values.contains(127f)) {
                    for (int c = 0; c <= 64; c++) {
                        values.add((float) c);
                        values.add(c + 0.5f);
                    }
                    values.add(-0.25f);
                    values.add(127f);
                }
                continue;
            }
            double t = model.splitThreshold(n);
            float near = (float) t;
            List<Float> values = candidates.get(model.splitFeature(n));
            values.add(near);
            values.add(Math.nextDown(near));
            values.add(Math.nextUp(near));
        }
        Random random = new Random(seed);
        float[][] rows = new float[count][width];
        for (float[] row : rows) {
            for (int f = 0; f < width; f++) {
                List<Float> values = candidates.get(f);
                // half the cells from the thresholds, where the decisions are
                row[f] = random.nextBoolean() && values.size() > SPECIAL.length
                        ? values.get(SPECIAL.length + random.nextInt(values.size() - SPECIAL.length))
                        : values.get(random.nextInt(values.size()));
            }
        }
        return rows;
    }
}
