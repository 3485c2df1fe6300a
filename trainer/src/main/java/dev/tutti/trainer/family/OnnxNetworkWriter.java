package dev.tutti.trainer.family;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.tutti.combine.Task;
import dev.tutti.trainer.data.Design;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a trained MLP as an ONNX graph (opset 13) that takes raw schema rows, built from the ONNX
 * protobuf messages ({@code ai.onnx.proto.OnnxMl}, published by Tribuo):
 *
 * <pre>
 * input [batch, W] -+- Gather(numeric columns) - Where(IsNaN, mean) - Sub(mean) - Mul(1/std) -+
 *                   +- Gather(categorical columns, each repeated per label) - Equal(codes) - Cast -+- Concat
 *   - Gemm - Relu - Gemm - Relu - Gemm - Sigmoid | Softmax | (identity: value)  -> output
 * </pre>
 *
 * The first nodes compute exactly {@link Design#encode} (in float32); a missing or unknown category
 * (NaN) matches no code and gives an all-zero one-hot block. Regression networks were trained on the
 * standardised target; the last layer's weights are scaled back here so the output is the value.
 *
 * <p>Stateless; output bytes are deterministic for the same weights.
 */
final class OnnxNetworkWriter {
    static final String INPUT = "input";
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tutti-mlp");

    private OnnxNetworkWriter() {}

    /**
     * @param weights per layer, {@code [out, in]} row-major (PyTorch's layout)
     * @param biases per layer, {@code [out]}
     * @param targetMean, targetStd regression only: the standardisation of the target
     */
    static byte[] write(Design design, List<float[]> weights, List<float[]> biases, Task task, double targetMean, double targetStd,
            String producerVersion) {
        OnnxNetworkWriter w = new OnnxNetworkWriter();
        int inputWidth = design.schema().width();
        w.graph.addInput(valueInfo(INPUT, inputWidth));
        String encoded = w.encoding(design);
        String x = encoded;
        for (int layer = 0; layer < weights.size(); layer++) {
            float[] weight = weights.get(layer);
            float[] bias = biases.get(layer).clone();
            int out = bias.length;
            int in = weight.length / out;
            boolean last = layer == weights.size() - 1;
            if (last && task == Task.REGRESSION) {
                weight = weight.clone();
                for (int i = 0; i < weight.length; i++) {
                    weight[i] = (float) (weight[i] * targetStd);
                }
                bias[0] = (float) (bias[0] * targetStd + targetMean);
            }
            String wName = w.floats("dense" + layer + ".weight", weight, out, in);
            String bName = w.floats("dense" + layer + ".bias", bias, out);
            String y = last && task == Task.REGRESSION ? "value" : "dense" + layer;
            w.node("Gemm", List.of(x, wName, bName), y, AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1));
            x = y;
            if (!last) {
                w.node("Relu", List.of(x), x + ".relu");
                x = x + ".relu";
            }
        }
        int outputs = biases.getLast().length;
        String output = switch (task) {
            case BINARY -> w.node("Sigmoid", List.of(x), "probability");
            case MULTICLASS -> w.node("Softmax", List.of(x), "probability",
                    AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
            case REGRESSION -> x;
        };
        w.graph.addOutput(valueInfo(output, outputs));
        return ModelProto.newBuilder()
                .setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setProducerName("tutti-trainer")
                .setProducerVersion(producerVersion)
                .setGraph(w.graph)
                .build()
                .toByteArray();
    }

    /** The nodes that turn a raw row into the design row; returns the name of the design tensor. */
    private String encoding(Design design) {
        List<String> parts = new ArrayList<>();
        int[] numeric = design.numericFeatures();
        if (numeric.length > 0) {
            float[] mean = new float[numeric.length];
            float[] inverseStd = new float[numeric.length];
            for (int i = 0; i < numeric.length; i++) {
                mean[i] = design.mean(i);
                inverseStd[i] = design.inverseStd(i);
            }
            String raw = node("Gather", List.of(INPUT, longs("numeric.columns", toLongs(numeric))), "numeric.raw", axis(1));
            String missing = node("IsNaN", List.of(raw), "numeric.missing");
            String means = floats("numeric.mean", mean, numeric.length);
            String imputed = node("Where", List.of(missing, means, raw), "numeric.imputed");
            String centred = node("Sub", List.of(imputed, means), "numeric.centred");
            parts.add(node("Mul", List.of(centred, floats("numeric.inverse_std", inverseStd, numeric.length)), "numeric.scaled"));
        }
        int[] categorical = design.categoricalFeatures();
        if (categorical.length > 0) {
            List<Long> columns = new ArrayList<>();
            List<Float> codes = new ArrayList<>();
            for (int f : categorical) {
                for (int c = 0; c < design.feature(f).categories().size(); c++) {
                    columns.add((long) f);
                    codes.add((float) c);
                }
            }
            float[] codeArray = new float[codes.size()];
            for (int i = 0; i < codeArray.length; i++) {
                codeArray[i] = codes.get(i);
            }
            String gathered = node("Gather", List.of(INPUT, longs("categorical.columns", columns.stream().mapToLong(Long::longValue).toArray())),
                    "categorical.raw", axis(1));
            String equal = node("Equal", List.of(gathered, floats("categorical.codes", codeArray, codeArray.length)), "categorical.match");
            parts.add(node("Cast", List.of(equal), "categorical.onehot",
                    AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(FLOAT)));
        }
        return parts.size() == 1 ? parts.getFirst() : node("Concat", parts, "design", axis(1));
    }

    private static AttributeProto.Builder axis(int axis) {
        return AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(axis);
    }

    private String node(String op, List<String> inputs, String output, AttributeProto.Builder... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
        for (AttributeProto.Builder a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    private String floats(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT).setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private String longs(String name, long[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length)
                .setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static ValueInfoProto valueInfo(String name, int columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                .build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
                .build();
    }
}
