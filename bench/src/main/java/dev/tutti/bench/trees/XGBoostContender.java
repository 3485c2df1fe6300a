package dev.tutti.bench.trees;

import java.util.Arrays;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost's own predictor (XGBoost4J 3.0.4, {@code nthread=1}) on a batch copied from the Java rows:
 * either {@code Booster.predict} on a {@code DMatrix} made per batch (with the model's feature
 * types, so categorical splits see categories), as a caller with fresh rows must, or
 * {@code Booster.inplace_predict} on the float array, which makes no DMatrix.
 */
final class XGBoostContender implements Contender {
    private final BenchModel model;
    private final boolean inplace;
    private final Booster booster;
    private final String[] featureTypes;
    private final float[] batch;
    private float[][] result;

    XGBoostContender(BenchModel model, boolean inplace, int maxBatch) {
        this.model = model;
        this.inplace = inplace;
        try {
            this.booster = XGBoost.loadModel(model.spec().artifact().toString());
            booster.setParam("nthread", 1);
            String[] types = booster.getFeatureTypes();
            this.featureTypes = types != null && Arrays.asList(types).contains("c") ? types : null;
        } catch (XGBoostError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.batch = new float[maxBatch * model.width()];
    }

    @Override
    public String name() {
        return inplace ? "xgboost4j-inplace" : "xgboost4j";
    }

    @Override
    public double score(int from, int count) {
        int width = model.width();
        // the natives read count * width floats from the start of the array: one reused array serves every batch
        float[] data = batch;
        System.arraycopy(model.rows(), from * width, data, 0, count * width);
        try {
            if (inplace) {
                result = booster.inplace_predict(data, count, width, Float.NaN);
            } else {
                DMatrix matrix = new DMatrix(data, count, width, Float.NaN);
                if (featureTypes != null) {
                    matrix.setFeatureTypes(featureTypes);
                }
                result = booster.predict(matrix);
                matrix.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return result[count - 1][0];
    }

    @Override
    public double output(int row, int output) {
        return result[row][output];
    }

    @Override
    public void close() {
        booster.dispose();
    }
}
