package dev.tutti.bench.trees;

/** LightGBM's own predictor (lightgbmlib 3.3.510, {@code LGBM_BoosterPredictForMat}, one thread). */
final class LightGbmContender implements Contender {
    private final LightGbmLibrary.Predictor predictor;
    private final float[] rows;

    LightGbmContender(BenchModel model, int maxBatch) {
        this.predictor = new LightGbmLibrary.Predictor(model.spec().artifact(), model.width(), maxBatch);
        this.rows = model.rows();
    }

    @Override
    public String name() {
        return "lightgbm";
    }

    @Override
    public double score(int from, int count) {
        return predictor.predict(rows, from, count);
    }

    @Override
    public double output(int row, int output) {
        return predictor.result(row, output);
    }

    @Override
    public void close() {
        predictor.close();
    }
}
