package dev.tutti.gpu.dense;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX file into a {@link DenseNetwork}. Accepted: one float32 input {@code [batch, features]};
 * a chain of {@code Gemm} ({@code transA=0}, any {@code transB}, {@code alpha}, {@code beta} with a
 * bias {@code C}), {@code MatMul} with a 2-D weight, {@code Add} of a bias right after one of them,
 * {@code Relu}/{@code Sigmoid}/{@code Tanh} after a layer, and {@code Softmax} over the last axis as
 * the last node; weights and biases are float32 initializers. The nodes before the first {@code Gemm}
 * or {@code MatMul} are the graph's feature encoding (imputation, scaling, one-hot), run on the host
 * ({@link HostEncoding}). Anything else is refused with an {@link UnsupportedGraphException} naming the
 * op and the node, so that a CPU runtime serves the member.
 *
 * <p>Spec options: {@code input} and {@code output} name the tensors when the graph has several.
 *
 * <p>Threads: stateless. Allocation: the network's arrays; the file is read once.
 */
public final class OnnxDenseImporter {
    /** The ops the GPU backend runs. */
    public static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax");
    /** The ops that start the dense part: every node before the first of them is the feature encoding. */
    private static final Set<String> DENSE = Set.of("Gemm", "MatMul");

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private OnnxDenseImporter() {}

    /** Reads {@code spec.artifact()}. */
    public static DenseNetwork read(ModelSpec spec) throws MemberException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(spec.artifact()));
        } catch (IOException e) {
            throw new MemberException("member " + spec.pin() + ": cannot read ONNX file " + spec.artifact() + ": " + e.getMessage(), e);
        }
        return read(spec, model.getGraph());
    }

    static DenseNetwork read(ModelSpec spec, GraphProto graph) throws MemberException {
        String who = "member " + spec.pin() + ": ";
        List<NodeProto> nodes = graph.getNodeList();
        int firstDense = 0;
        while (firstDense < nodes.size() && !DENSE.contains(nodes.get(firstDense).getOpType())) {
            firstDense++;
        }
        if (firstDense == nodes.size()) {
            firstDense = 0; // no dense layer at all: said below, after the ops
        }
        Set<String> unsupported = new LinkedHashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            Set<String> runs = i < firstDense ? HostEncoding.OPS : SUPPORTED;
            if (!runs.contains(node.getOpType()) || !node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                unsupported.add(node.getOpType() + (node.getDomain().isEmpty() ? "" : " (domain " + node.getDomain() + ")")
                        + " (node '" + node.getName() + "')");
            }
        }
        if (!unsupported.isEmpty()) {
            throw new UnsupportedGraphException(who + "the GPU dense backend does not run ONNX op(s) " + String.join(", ", unsupported)
                    + "; it runs " + String.join("/", List.of("Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax"))
                    + " chains, after a feature encoding of " + String.join("/", HostEncoding.OPS.stream().sorted().toList())
                    + " run on the host");
        }
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        String input = pick(who, "input", spec, graph.getInputList().stream().map(ValueInfoProto::getName)
                .filter(n -> !initializers.containsKey(n)).toList());
        String output = pick(who, "output", spec, graph.getOutputList().stream().map(ValueInfoProto::getName).toList());
        HostEncoding encoding = null;
        String design = input;
        if (firstDense > 0) {
            design = dataInput(nodes.get(firstDense), initializers);
            if (design == null) {
                throw new UnsupportedGraphException(who + "the first dense node '" + nodes.get(firstDense).getName()
                        + "' must take exactly one activation input");
            }
            encoding = HostEncoding.compile(who, nodes.subList(0, firstDense), input, spec.schema().width(), design, initializers);
        }
        List<NodeProto> chain = chain(who, graph, design, output, initializers);

        List<DenseLayer> layers = new ArrayList<>();
        boolean softmax = false;
        boolean biasOpen = false; // the last layer may still take an Add (a MatMul's bias)
        int width = encoding != null ? encoding.outputs() : spec.schema().width();
        for (int i = 0; i < chain.size(); i++) {
            NodeProto node = chain.get(i);
            String where = who + node.getOpType() + " node '" + node.getName() + "': ";
            switch (node.getOpType()) {
                case "Gemm" -> {
                    if (intAttribute(node, "transA", 0) != 0) {
                        throw new UnsupportedGraphException(where + "transA=1 is not supported");
                    }
                    boolean transB = intAttribute(node, "transB", 0) != 0;
                    float alpha = floatAttribute(node, "alpha", 1f);
                    float beta = floatAttribute(node, "beta", 1f);
                    DenseLayer layer = weightLayer(where, initializer(where, initializers, node.getInput(1)), transB, width, alpha);
                    if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                        float[] c = bias(where, initializer(where, initializers, node.getInput(2)), layer.outputs());
                        for (int o = 0; o < c.length; o++) {
                            layer.bias()[o] = beta * c[o];
                        }
                    }
                    layers.add(layer);
                    width = layer.outputs();
                    biasOpen = true;
                }
                case "MatMul" -> {
                    DenseLayer layer = weightLayer(where, initializer(where, initializers, node.getInput(1)), false, width, 1f);
                    layers.add(layer);
                    width = layer.outputs();
                    biasOpen = true;
                }
                case "Add" -> {
                    if (!biasOpen) {
                        throw new UnsupportedGraphException(where + "an Add must add a bias right after a Gemm or MatMul");
                    }
                    String other = node.getInput(0).equals(dataInput(node, initializers)) ? node.getInput(1) : node.getInput(0);
                    float[] b = bias(where, initializer(where, initializers, other), width);
                    float[] own = layers.getLast().bias();
                    for (int o = 0; o < b.length; o++) {
                        own[o] += b[o];
                    }
                    biasOpen = false;
                }
                case "Relu", "Sigmoid", "Tanh" -> {
                    if (layers.isEmpty() || layers.getLast().activation() != Activation.NONE) {
                        throw new UnsupportedGraphException(where + "an activation must follow a Gemm, MatMul or bias Add");
                    }
                    Activation a = switch (node.getOpType()) {
                        case "Relu" -> Activation.RELU;
                        case "Sigmoid" -> Activation.SIGMOID;
                        default -> Activation.TANH;
                    };
                    layers.set(layers.size() - 1, layers.getLast().withActivation(a));
                    biasOpen = false;
                }
                case "Softmax" -> {
                    long axis = intAttribute(node, "axis", -1);
                    if (i != chain.size() - 1 || axis != -1 && axis != 1) {
                        throw new UnsupportedGraphException(where + "Softmax is supported only as the last node, over the last axis");
                    }
                    softmax = true;
                }
                default -> throw new IllegalStateException("unreachable: " + node.getOpType());
            }
        }
        if (layers.isEmpty()) {
            throw new UnsupportedGraphException(who + "the graph has no Gemm or MatMul layer");
        }
        if (encoding == null && layers.getFirst().inputs() != spec.schema().width()) {
            throw new MemberException(who + "the network takes " + layers.getFirst().inputs() + " features; the schema has "
                    + spec.schema().width());
        }
        return new DenseNetwork(layers, softmax, encoding);
    }

    private static String pick(String who, String which, ModelSpec spec, List<String> names) throws MemberException {
        String named = spec.options().get(which);
        if (named != null) {
            if (!names.contains(named)) {
                throw new MemberException(who + "the graph has no " + which + " named '" + named + "'; its " + which + "s are " + names);
            }
            return named;
        }
        if (names.size() != 1) {
            throw new MemberException(who + "the graph has " + names.size() + " " + which + "s " + names + "; name one with the option '"
                    + which + "'");
        }
        return names.getFirst();
    }

    /** The nodes from {@code input} to {@code output}, each taking the previous one's output (the rest is ignored). */
    private static List<NodeProto> chain(String who, GraphProto graph, String input, String output, Map<String, TensorProto> initializers)
            throws MemberException {
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (String o : node.getOutputList()) {
                producers.put(o, node);
            }
        }
        List<NodeProto> reversed = new ArrayList<>();
        String tensor = output;
        while (!tensor.equals(input)) {
            NodeProto node = producers.get(tensor);
            if (node == null) {
                throw new UnsupportedGraphException(who + "output '" + output + "' does not depend on input '" + input
                        + "' through a chain of nodes (tensor '" + tensor + "' has no producer)");
            }
            reversed.add(node);
            tensor = dataInput(node, initializers);
            if (tensor == null) {
                throw new UnsupportedGraphException(who + node.getOpType() + " node '" + node.getName()
                        + "' must take exactly one activation input and initializers otherwise");
            }
        }
        return reversed.reversed();
    }

    /** The node's one input that is not an initializer, or null when it has none or several. */
    private static String dataInput(NodeProto node, Map<String, TensorProto> initializers) {
        String data = null;
        for (String in : node.getInputList()) {
            if (in.isEmpty() || initializers.containsKey(in)) {
                continue;
            }
            if (data != null) {
                return null;
            }
            data = in;
        }
        return data;
    }

    private static TensorProto initializer(String where, Map<String, TensorProto> initializers, String name) throws MemberException {
        TensorProto t = initializers.get(name);
        if (t == null) {
            throw new UnsupportedGraphException(where + "'" + name + "' must be an initializer (a constant in the file)");
        }
        if (t.getDataType() != FLOAT) {
            throw new UnsupportedGraphException(where + "initializer '" + name + "' is not float32 (data type " + t.getDataType() + ")");
        }
        return t;
    }

    /** A layer from a 2-D weight: {@code [in, out]} (MatMul, Gemm transB=0) or {@code [out, in]} (Gemm transB=1). */
    private static DenseLayer weightLayer(String where, TensorProto w, boolean transposed, int width, float alpha) throws MemberException {
        if (w.getDimsCount() != 2) {
            throw new UnsupportedGraphException(where + "weight '" + w.getName() + "' has " + w.getDimsCount() + " dimensions, not 2");
        }
        int rows = Math.toIntExact(w.getDims(0));
        int cols = Math.toIntExact(w.getDims(1));
        int in = transposed ? cols : rows;
        int out = transposed ? rows : cols;
        if (in != width) {
            throw new UnsupportedGraphException(where + "weight '" + w.getName() + "' takes " + in + " inputs; the previous layer gives " + width);
        }
        float[] values = floats(where, w, (long) rows * cols);
        float[] weights;
        if (transposed) {
            weights = values;
        } else {
            weights = new float[values.length];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    weights[o * in + i] = values[i * out + o];
                }
            }
        }
        return new DenseLayer(in, out, weights, new float[out], alpha, Activation.NONE);
    }

    /** A bias of {@code width} values: {@code [width]}, {@code [1, width]}, or a scalar broadcast. */
    private static float[] bias(String where, TensorProto b, int width) throws MemberException {
        long count = 1;
        for (long d : b.getDimsList()) {
            count *= d;
        }
        boolean rowShape = b.getDimsCount() == 1 || b.getDimsCount() == 2 && b.getDims(0) == 1;
        if (count == 1) {
            float[] all = new float[width];
            java.util.Arrays.fill(all, floats(where, b, 1)[0]);
            return all;
        }
        if (count != width || !rowShape) {
            throw new UnsupportedGraphException(where + "bias '" + b.getName() + "' has shape " + b.getDimsList() + "; expected [" + width + "]");
        }
        return floats(where, b, width);
    }

    private static float[] floats(String where, TensorProto t, long count) throws MemberException {
        float[] values = new float[Math.toIntExact(count)];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != count * Float.BYTES) {
                throw new MemberException(where + "initializer '" + t.getName() + "' holds " + raw.remaining() + " bytes for " + count + " floats");
            }
            raw.asFloatBuffer().get(values);
        } else if (t.getFloatDataCount() == count) {
            for (int i = 0; i < values.length; i++) {
                values[i] = t.getFloatData(i);
            }
        } else if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedGraphException(where + "initializer '" + t.getName() + "' is stored outside the file (external data)");
        } else {
            throw new MemberException(where + "initializer '" + t.getName() + "' holds " + t.getFloatDataCount() + " floats, not " + count);
        }
        return values;
    }

    static long intAttribute(NodeProto node, String name, long defaultValue) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return defaultValue;
    }

    private static float floatAttribute(NodeProto node, String name, float defaultValue) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return defaultValue;
    }
}
