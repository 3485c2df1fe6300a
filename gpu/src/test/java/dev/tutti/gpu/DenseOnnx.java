package dev.tutti.gpu;

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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes small ONNX graphs for the tests and the benchmark, with random weights from a seed: the
 * dense shapes the GPU backend imports (Gemm with either weight layout, MatMul + Add, activations,
 * Softmax) and, for the refusal test, anything else.
 *
 * <p>Threads: one builder per thread. Allocation: what the graph needs.
 */
final class DenseOnnx {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("dense");
    private final Random random;
    private String current;
    private int width;
    private int counter;

    DenseOnnx(int inputs, long seed) {
        this.random = new Random(seed);
        this.width = inputs;
        this.current = "input";
        graph.addInput(tensorInfo("input", inputs));
    }

    /** Gemm with W stored [out, in] (transB=1, torch layout) or [in, out] (transB=0); bias C scaled by beta. */
    DenseOnnx gemm(int outputs, boolean transB, float alpha, float beta) {
        String w = name("W");
        String c = name("C");
        int scale = Math.max(1, width);
        graph.addInitializer(tensor(w, transB ? new long[] {outputs, width} : new long[] {width, outputs}, 1 / Math.sqrt(scale)));
        graph.addInitializer(tensor(c, new long[] {outputs}, 0.3));
        String out = name("gemm");
        graph.addNode(NodeProto.newBuilder().setOpType("Gemm").setName(out).addInput(current).addInput(w).addInput(c).addOutput(out)
                .addAttribute(intAttr("transB", transB ? 1 : 0)).addAttribute(floatAttr("alpha", alpha)).addAttribute(floatAttr("beta", beta)));
        current = out;
        width = outputs;
        return this;
    }

    /** MatMul by a [in, out] weight then Add of a [out] bias. */
    DenseOnnx matMulAdd(int outputs) {
        String w = name("W");
        String b = name("b");
        graph.addInitializer(tensor(w, new long[] {width, outputs}, 1 / Math.sqrt(Math.max(1, width))));
        graph.addInitializer(tensor(b, new long[] {outputs}, 0.3));
        String mm = name("matmul");
        String add = name("add");
        graph.addNode(NodeProto.newBuilder().setOpType("MatMul").setName(mm).addInput(current).addInput(w).addOutput(mm));
        graph.addNode(NodeProto.newBuilder().setOpType("Add").setName(add).addInput(mm).addInput(b).addOutput(add));
        current = add;
        width = outputs;
        return this;
    }

    /** An element-wise op (Relu, Sigmoid, Tanh, Softmax, or any other unary op). */
    DenseOnnx op(String opType) {
        String out = name(opType.toLowerCase(java.util.Locale.ROOT));
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(out).addInput(current).addOutput(out);
        if (opType.equals("Softmax")) {
            node.addAttribute(intAttr("axis", -1));
        }
        graph.addNode(node);
        current = out;
        return this;
    }

    /** Writes the graph with its last tensor as output {@code output}. */
    Path write(Path file, String output) throws IOException {
        // the last node writes the output tensor itself (an Identity would be an unsupported op)
        NodeProto last = graph.getNode(graph.getNodeCount() - 1);
        graph.setNode(graph.getNodeCount() - 1, last.toBuilder().setOutput(0, output));
        graph.addOutput(tensorInfo(output, width));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("tutti-gpu-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
        Files.createDirectories(file.getParent());
        Files.write(file, model.toByteArray());
        return file;
    }

    private String name(String prefix) {
        return prefix + "_" + counter++;
    }

    private TensorProto tensor(String name, long[] dims, double scale) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        ByteBuffer raw = ByteBuffer.allocate((int) count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            raw.putFloat((float) (random.nextGaussian() * scale));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto tensorInfo(String name, int columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}
