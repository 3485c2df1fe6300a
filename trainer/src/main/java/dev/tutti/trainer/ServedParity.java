package dev.tutti.trainer;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.trainer.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * Loads a freshly written member the way {@code tutti serve} will (the best runtime on the class
 * path, through the member SPI) and compares its outputs on some training rows with the training
 * library's own predictions. A member whose served outputs differ by more than the tolerance is
 * not registered. When no runtime for the format is on the class path (the trainer used without
 * the runtimes), the check is recorded as not done.
 *
 * <p>Tolerances, relative to {@code max(scale, |value|)}: {@value #TREES_AND_LINEAR} for trees and
 * linear models (float32 outputs of the same arithmetic), {@value #NETWORKS} for networks (float32
 * kernels of two engines). The scale is 1 for probabilities and the target's standard deviation
 * (at least 1) for regression: a network's float32 output carries rounding of that size whatever
 * the value, so a prediction near zero is compared on the target's own scale. Threads: stateless.
 */
final class ServedParity {
    static final double TREES_AND_LINEAR = 1e-5;
    static final double NETWORKS = 1e-4;

    private final MemberRuntimes runtimes;

    ServedParity(MemberRuntimes runtimes) {
        this.runtimes = runtimes;
    }

    static double tolerance(String format) {
        return format.equals(ModelFormats.ONNX) || format.equals(ModelFormats.TORCHSCRIPT) ? NETWORKS : TREES_AND_LINEAR;
    }

    /** 1 for classification; the targets' standard deviation, at least 1, for regression. */
    static double scale(Dataset data) {
        if (data.schema().task() != dev.tutti.combine.Task.REGRESSION) {
            return 1;
        }
        double sum = 0;
        double sumSq = 0;
        for (int r = 0; r < data.rowCount(); r++) {
            sum += data.target(r);
            sumSq += data.target(r) * data.target(r);
        }
        double mean = sum / data.rowCount();
        return Math.max(1, Math.sqrt(Math.max(0, sumSq / data.rowCount() - mean * mean)));
    }

    /**
     * @param expected rows x outputs, the trainer's predictions of data rows 0 .. rows - 1
     * @throws MemberException when a runtime exists for the format but cannot load or run the member
     */
    ParityCheck check(ModelSpec spec, Dataset data, int rows, double[] expected) throws MemberException {
        Optional<MemberRuntimeProvider> runtime = runtimes.providers().stream()
                .filter(p -> p.formats().contains(spec.format()) && p.unavailableReason(spec).isEmpty())
                .findFirst();
        double tolerance = tolerance(spec.format());
        double scale = scale(data);
        if (runtime.isEmpty() || rows == 0) {
            return new ParityCheck(null, 0, Double.NaN, tolerance);
        }
        int width = data.width();
        FloatBuffer input = ByteBuffer.allocateDirect(rows * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < width; f++) {
                input.put(r * width + f, data.value(r, f));
            }
        }
        int outputs = spec.outputs();
        ScoreMatrix matrix = new ScoreMatrix(1, outputs, rows);
        matrix.rows(rows);
        try (Member member = runtimes.load(spec)) {
            member.score(input, rows, new MemberOutput().wrap(matrix, 0));
        }
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outputs; o++) {
                double trainer = expected[r * outputs + o];
                double served = matrix.get(0, o, r);
                double difference = Math.abs(served - trainer) / Math.max(scale, Math.abs(trainer));
                worst = Double.isNaN(difference) ? Double.POSITIVE_INFINITY : Math.max(worst, difference);
            }
        }
        return new ParityCheck(runtime.get().name(), rows, worst, tolerance);
    }
}
