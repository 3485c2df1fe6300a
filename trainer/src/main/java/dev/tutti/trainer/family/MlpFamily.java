package dev.tutti.trainer.family;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.tutti.combine.Task;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.trainer.data.Dataset;
import dev.tutti.trainer.data.TrainingException;
import dev.tutti.trainer.data.Design;
import dev.tutti.trainer.data.TableSchema;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Multi-layer perceptrons (two ReLU hidden layers) trained with DJL on the PyTorch engine, on the
 * CPU, one intra-op thread, Adam, mini-batches in a seeded order, on the {@link Design} matrix
 * (regression: the standardised target). Exported as ONNX by {@link OnnxNetworkWriter}, the
 * encoding included, so the served network takes raw rows.
 *
 * <p>Why ONNX and not TorchScript: DJL cannot write a TorchScript module from a block it built. Its
 * PyTorch JNI can load, run and re-save a TorchScript file ({@code moduleLoad}, {@code moduleWrite})
 * but has no {@code torch.jit.trace} or {@code script}, so a network made in Java has no TorchScript
 * form; DJL's own {@code .params} files are not a serving format. The weights are written into an
 * ONNX graph instead (ONNX Runtime serves it), with the same arithmetic.
 *
 * <p>Recipe parameters: {@code hidden1}, {@code hidden2}, {@code learningRate}, {@code epochs},
 * {@code batchSize}, {@code weightDecay}. Determinism: the engine's seed is set before the weights
 * are initialised, and batches follow a {@link Random} seeded per member; one thread makes PyTorch's
 * CPU kernels reproducible. Training is sequential: the engine seed is process-wide.
 */
public final class MlpFamily implements MemberFamily {
    public static final String NAME = "mlp";

    static {
        // one intra-op and one inter-op thread (faster on small machines, and reproducible), unless the launcher chose
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FittedModel fit(Dataset data, int[] rows, MemberRecipe recipe, long seed) throws TrainingException {
        TableSchema schema = data.schema();
        Design design = Design.fit(data, rows);
        float[] x = design.encode(data, rows);
        float[] y = data.targets(rows);
        double targetMean = 0;
        double targetStd = 1;
        if (schema.task() == Task.REGRESSION) {
            targetMean = mean(y);
            targetStd = std(y, targetMean);
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) ((y[i] - targetMean) / targetStd);
            }
        }
        int outputs = schema.task() == Task.MULTICLASS ? schema.classes().size() : 1;
        Linear[] layers = {
            Linear.builder().setUnits(recipe.integer("hidden1")).build(),
            Linear.builder().setUnits(recipe.integer("hidden2")).build(),
            Linear.builder().setUnits(outputs).build()
        };
        SequentialBlock block = new SequentialBlock().add(layers[0]).add(Activation::relu).add(layers[1]).add(Activation::relu).add(layers[2]);
        Model model = Model.newInstance("mlp-" + recipe.id(), Device.cpu(), "PyTorch");
        try {
            model.setBlock(block);
            Engine.getEngine("PyTorch").setRandomSeed((int) (seed ^ (seed >>> 32)));
            Optimizer adam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed((float) recipe.number("learningRate")))
                    .optWeightDecays((float) recipe.number("weightDecay"))
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss(schema.task()))
                    .optOptimizer(adam)
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, design.width()));
                train(trainer, x, y, rows.length, design.width(), schema.task(), recipe, new Random(seed));
            }
            return new Fitted(model, layers, design, schema, targetMean, targetStd);
        } catch (RuntimeException e) {
            model.close();
            throw new TrainingException("DJL/PyTorch failed to train member " + recipe.id() + ": " + e.getMessage(), e);
        }
    }

    private static Loss loss(Task task) {
        return switch (task) {
            case BINARY -> Loss.sigmoidBinaryCrossEntropyLoss();
            case MULTICLASS -> Loss.softmaxCrossEntropyLoss();
            case REGRESSION -> Loss.l2Loss();
        };
    }

    private static void train(Trainer trainer, float[] x, float[] y, int n, int width, Task task, MemberRecipe recipe, Random random) {
        int batchSize = Math.min(recipe.integer("batchSize"), n);
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        float[] xb = new float[batchSize * width];
        for (int epoch = 0; epoch < recipe.integer("epochs"); epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += batchSize) {
                int b = Math.min(batchSize, n - start);
                float[] yb = new float[b];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(x, order[start + i] * width, xb, i * width, width);
                    yb[i] = y[order[start + i]];
                }
                try (NDManager batch = trainer.getManager().newSubManager()) {
                    NDArray input = batch.create(java.nio.FloatBuffer.wrap(xb, 0, b * width), new Shape(b, width));
                    NDArray label = task == Task.MULTICLASS
                            ? batch.create(toLongs(yb))
                            : batch.create(yb, new Shape(b, 1));
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray prediction = trainer.forward(new NDList(input)).singletonOrThrow();
                        collector.backward(trainer.getLoss().evaluate(new NDList(label), new NDList(prediction)));
                    }
                    trainer.step();
                }
            }
        }
    }

    private static long[] toLongs(float[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(float[] values, double mean) {
        double sum = 0;
        for (float v : values) {
            sum += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(sum / values.length);
        return std > 0 ? std : 1;
    }

    private static final class Fitted implements FittedModel {
        private static final int PREDICT_BATCH = 1024;
        private final Model model;
        private final Linear[] layers;
        private final Design design;
        private final TableSchema schema;
        private final double targetMean;
        private final double targetStd;

        Fitted(Model model, Linear[] layers, Design design, TableSchema schema, double targetMean, double targetStd) {
            this.model = model;
            this.layers = layers;
            this.design = design;
            this.schema = schema;
            this.targetMean = targetMean;
            this.targetStd = targetStd;
        }

        @Override
        public double[] predict(Dataset data, int[] rows) {
            int outputs = schema.outputs();
            double[] out = new double[rows.length * outputs];
            for (int start = 0; start < rows.length; start += PREDICT_BATCH) {
                int[] chunk = java.util.Arrays.copyOfRange(rows, start, Math.min(rows.length, start + PREDICT_BATCH));
                float[] x = design.encode(data, chunk);
                float[] raw;
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    NDArray input = manager.create(x, new Shape(chunk.length, design.width()));
                    raw = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false).singletonOrThrow().toFloatArray();
                }
                for (int i = 0; i < chunk.length; i++) {
                    link(raw, i, out, (start + i) * outputs, outputs);
                }
            }
            return out;
        }

        /** The network's raw output of row {@code i} through the task's link, as the ONNX graph computes it. */
        private void link(float[] raw, int i, double[] out, int at, int outputs) {
            switch (schema.task()) {
                case BINARY -> out[at] = 1 / (1 + Math.exp(-raw[i]));
                case REGRESSION -> out[at] = raw[i] * targetStd + targetMean;
                case MULTICLASS -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < outputs; k++) {
                        max = Math.max(max, raw[i * outputs + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < outputs; k++) {
                        sum += Math.exp(raw[i * outputs + k] - max);
                    }
                    for (int k = 0; k < outputs; k++) {
                        out[at + k] = Math.exp(raw[i * outputs + k] - max) / sum;
                    }
                }
            }
        }

        @Override
        public Artifact save(Path directory) throws IOException {
            List<float[]> weights = new java.util.ArrayList<>();
            List<float[]> biases = new java.util.ArrayList<>();
            for (Linear layer : layers) {
                weights.add(layer.getParameters().get("weight").getArray().toFloatArray());
                biases.add(layer.getParameters().get("bias").getArray().toFloatArray());
            }
            byte[] onnx = OnnxNetworkWriter.write(design, weights, biases, schema.task(), targetMean, targetStd, ToolVersions.tutti());
            Path file = directory.resolve("model.onnx");
            Files.write(file, onnx);
            return new Artifact(file.getFileName().toString(), ModelFormats.ONNX, Map.of(),
                    Map.of("numeric", "standardised with the training mean and std; missing = the mean (nodes of the graph)",
                            "categorical", "one-hot (missing or unknown label: all zero; nodes of the graph)"));
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
