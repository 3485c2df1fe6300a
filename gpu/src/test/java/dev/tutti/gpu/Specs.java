package dev.tutti.gpu;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test helpers: specs over numeric schemas, random rows, scoring into a one-member matrix. */
final class Specs {
    private Specs() {}

    static ModelSpec spec(String name, Path onnx, int width, Task task, int classes, Map<String, String> options) {
        List<FeatureSpec> features = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            features.add(FeatureSpec.numeric("f" + i, false));
        }
        return new ModelSpec(name, 1, ModelFormats.ONNX, onnx, "test", new InputSchema(features), task, classes, options);
    }

    static float[] rows(int rows, int width, long seed) {
        Random random = new Random(seed);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 1.5);
        }
        return x;
    }

    static FloatBuffer direct(float[] x) {
        FloatBuffer b = ByteBuffer.allocateDirect(x.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, x);
        return b;
    }

    /** The member's scores for {@code rows} rows, output-major: {@code [output][row]}. */
    static float[][] score(Member member, float[] x, int rows) throws MemberException {
        int outputs = member.spec().outputs();
        ScoreMatrix matrix = new ScoreMatrix(1, outputs, rows);
        matrix.rows(rows);
        member.score(direct(x), rows, new MemberOutput().wrap(matrix, 0));
        float[][] scores = new float[outputs][rows];
        for (int o = 0; o < outputs; o++) {
            for (int r = 0; r < rows; r++) {
                scores[o][r] = matrix.get(0, o, r);
            }
        }
        return scores;
    }
}
