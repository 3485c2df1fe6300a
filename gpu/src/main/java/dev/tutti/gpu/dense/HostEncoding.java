package dev.tutti.gpu.dense;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.tutti.engine.spi.MemberException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feature encoding at the head of a network graph (the nodes before its first {@code Gemm} or
 * {@code MatMul}), run on the host before the rows go to the device: the networks Tutti trains and
 * bundles carry their imputation, scaling and one-hot encoding in the graph so that they take raw
 * rows, and these element-wise steps cost little next to the dense layers. Supported: {@link #OPS}
 * over {@code [batch, columns]} tensors, with constants (initializers or {@code Constant} nodes) as
 * scalars or rows of the tensor's width; {@code Gather} and {@code Slice} on the column axis; booleans
 * are 0 and 1. Anything else is refused with an {@link UnsupportedGraphException}.
 *
 * <p>Threads: one caller at a time (the member's scoring thread): it keeps one buffer per step, grown
 * to the largest batch (Identity and Cast make no step: they name their operand). Allocation: only when a batch is larger than any before.
 */
public final class HostEncoding {
    /** The ops this encoding runs on the host. */
    public static final Set<String> OPS = Set.of("Identity", "Constant", "Gather", "Slice", "IsNaN", "Where", "Add", "Sub", "Mul", "Div",
            "Log", "Equal", "Cast", "Concat");

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;
    private static final int INT32 = TensorProto.DataType.INT32_VALUE;

    /** A value: a batch tensor (step index, columns) or a constant (values, broadcast over rows). */
    private record Value(int step, int columns, float[] constant) {
        boolean isConstant() {
            return constant != null;
        }

        /** Column {@code c} of the constant, broadcast from a scalar. */
        float at(int c) {
            return constant.length == 1 ? constant[0] : constant[c];
        }
    }

    /** One node: its op, its operands, how many columns it writes, and its buffer. */
    private static final class Step {
        final String op;
        final Value[] in;
        final int columns;
        final int[] columnsFrom; // Gather, Slice: the source column of each output column
        float[] out = new float[0];

        Step(String op, Value[] in, int columns, int[] columnsFrom) {
            this.op = op;
            this.in = in;
            this.columns = columns;
            this.columnsFrom = columnsFrom;
        }
    }

    private final int inputs;
    private final List<Step> steps;
    private final Value result;

    private HostEncoding(int inputs, List<Step> steps, Value result) {
        this.inputs = inputs;
        this.steps = steps;
        this.result = result;
    }

    /** Columns of the raw rows it reads. */
    public int inputs() {
        return inputs;
    }

    /** Columns of the design rows it writes (the first dense layer's inputs). */
    public int outputs() {
        return result.columns();
    }

    /**
     * Compiles {@code nodes} (in graph order), which read the graph input {@code input} of
     * {@code width} columns, into an encoding whose result is tensor {@code output}.
     */
    static HostEncoding compile(String who, List<NodeProto> nodes, String input, int width, String output,
            Map<String, TensorProto> initializers) throws MemberException {
        Map<String, Value> values = new HashMap<>();
        values.put(input, new Value(-1, width, null));
        List<Step> steps = new ArrayList<>();
        for (NodeProto node : nodes) {
            String where = who + node.getOpType() + " node '" + node.getName() + "': ";
            if (node.getOutputCount() != 1) {
                throw new UnsupportedGraphException(where + "has " + node.getOutputCount() + " outputs; the host encoding takes one");
            }
            if (node.getOpType().equals("Constant")) {
                values.put(node.getOutput(0), new Value(-1, 0, constantAttribute(where, node)));
                continue;
            }
            Value[] in = new Value[node.getInputCount()];
            for (int i = 0; i < in.length; i++) {
                String name = node.getInput(i);
                Value v = values.get(name);
                if (v == null && initializers.containsKey(name)) {
                    v = new Value(-1, 0, numbers(where, initializers.get(name)));
                }
                if (v == null && !name.isEmpty()) {
                    throw new UnsupportedGraphException(where + "input '" + name + "' is neither an earlier node's output nor a constant");
                }
                in[i] = v;
            }
            Value made = step(where, node, in, steps);
            values.put(node.getOutput(0), made);
        }
        Value result = values.get(output);
        if (result == null || result.isConstant()) {
            throw new UnsupportedGraphException(who + "the first dense layer's input '" + output + "' is not computed from the rows");
        }
        return new HostEncoding(width, steps, result);
    }

    private static Value step(String where, NodeProto node, Value[] in, List<Step> steps) throws MemberException {
        String op = node.getOpType();
        switch (op) {
            case "Identity", "Cast" -> {
                if (op.equals("Cast") && OnnxDenseImporter.intAttribute(node, "to", FLOAT) != FLOAT) {
                    throw new UnsupportedGraphException(where + "only casts to float32 are supported");
                }
                if (in[0] != null && in[0].isConstant()) {
                    return in[0]; // a copy of a constant (exporters write these) is that constant
                }
                return data(where, in[0]);
            }
            case "Gather" -> {
                Value data = data(where, in[0]);
                checkColumnAxis(where, OnnxDenseImporter.intAttribute(node, "axis", 0));
                float[] indices = constant(where, in[1]);
                int[] from = new int[indices.length];
                for (int j = 0; j < from.length; j++) {
                    from[j] = column(where, (long) indices[j], data.columns());
                }
                return add(steps, new Step(op, new Value[] {data}, from.length, from));
            }
            case "Slice" -> {
                Value data = data(where, in[0]);
                long start = (long) constant(where, in[1])[0];
                long end = (long) constant(where, in[2])[0];
                if (in.length > 3 && in[3] != null) {
                    checkColumnAxis(where, (long) constant(where, in[3])[0]);
                } else {
                    throw new UnsupportedGraphException(where + "a Slice must name its axis (the column axis, 1)");
                }
                if (in.length > 4 && in[4] != null && constant(where, in[4])[0] != 1) {
                    throw new UnsupportedGraphException(where + "only step 1 is supported");
                }
                int first = column(where, start, data.columns());
                int last = (int) Math.min(end < 0 ? end + data.columns() : end, data.columns());
                int[] from = new int[Math.max(0, last - first)];
                for (int j = 0; j < from.length; j++) {
                    from[j] = first + j;
                }
                return add(steps, new Step(op, new Value[] {data}, from.length, from));
            }
            case "IsNaN", "Log" -> {
                Value data = data(where, in[0]);
                return add(steps, new Step(op, new Value[] {data}, data.columns(), null));
            }
            case "Add", "Sub", "Mul", "Div", "Equal" -> {
                return add(steps, new Step(op, new Value[] {in[0], in[1]}, broadcastWidth(where, in[0], in[1]), null));
            }
            case "Where" -> {
                int columns = broadcastWidth(where, in[0], in[1], in[2]);
                return add(steps, new Step(op, new Value[] {in[0], in[1], in[2]}, columns, null));
            }
            case "Concat" -> {
                long axis = OnnxDenseImporter.intAttribute(node, "axis", 1);
                checkColumnAxis(where, axis);
                int columns = 0;
                for (Value v : in) {
                    columns += data(where, v).columns();
                }
                return add(steps, new Step(op, in, columns, null));
            }
            default -> throw new UnsupportedGraphException(where + "the host encoding does not run this op");
        }
    }

    private static Value add(List<Step> steps, Step step) {
        steps.add(step);
        return new Value(steps.size() - 1, step.columns, null);
    }

    private static Value data(String where, Value v) throws MemberException {
        if (v == null || v.isConstant()) {
            throw new UnsupportedGraphException(where + "expects a batch tensor, not a constant");
        }
        return v;
    }

    private static float[] constant(String where, Value v) throws MemberException {
        if (v == null || !v.isConstant()) {
            throw new UnsupportedGraphException(where + "expects a constant (an initializer), not a computed tensor");
        }
        return v.constant();
    }

    /**
     * The width of an element-wise result: operands (batch tensors or constants) of one column, or a
     * scalar, broadcast to the widest; at least one operand must be a batch tensor.
     */
    private static int broadcastWidth(String where, Value... operands) throws MemberException {
        int widest = 1;
        boolean computed = false;
        for (Value v : operands) {
            if (v == null) {
                throw new UnsupportedGraphException(where + "an operand is missing");
            }
            computed |= !v.isConstant();
            widest = Math.max(widest, width(v));
        }
        if (!computed) {
            throw new UnsupportedGraphException(where + "every operand is a constant");
        }
        for (Value v : operands) {
            if (width(v) != 1 && width(v) != widest) {
                throw new UnsupportedGraphException(where + "operands of " + width(v) + " and " + widest + " columns do not broadcast");
            }
        }
        return widest;
    }

    private static int width(Value v) {
        return v.isConstant() ? v.constant().length : v.columns();
    }

    private static void checkColumnAxis(String where, long axis) throws MemberException {
        if (axis != 1 && axis != -1) {
            throw new UnsupportedGraphException(where + "only the column axis (1) is supported, not " + axis);
        }
    }

    private static int column(String where, long index, int columns) throws MemberException {
        long c = index < 0 ? index + columns : index;
        if (c < 0 || c >= columns) {
            throw new UnsupportedGraphException(where + "column " + index + " is outside the " + columns + " columns");
        }
        return (int) c;
    }

    /**
     * Encodes {@code rows} rows of {@code in} (from index 0, {@link #inputs()} columns each) and returns
     * {@code rows x outputs()} floats, a view of the last step's buffer, valid until the next call.
     */
    public FloatBuffer apply(FloatBuffer in, int rows) {
        for (Step s : steps) {
            int size = rows * s.columns;
            if (s.out.length < size) {
                s.out = new float[Math.max(size, 2 * s.out.length)];
            }
            run(s, in, rows);
        }
        int floats = rows * outputs();
        if (result.step() < 0) {
            return in.slice(0, floats); // the encoding only renames the input (Identity)
        }
        return FloatBuffer.wrap(steps.get(result.step()).out, 0, floats).slice();
    }

    private void run(Step s, FloatBuffer in, int rows) {
        float[] out = s.out;
        int k = s.columns;
        switch (s.op) {
            case "Gather", "Slice" -> copyColumns(s.in[0], in, rows, out, s.columnsFrom, k);
            case "IsNaN", "Log" -> {
                copyColumns(s.in[0], in, rows, out, null, k);
                boolean isNaN = s.op.equals("IsNaN");
                for (int i = 0; i < rows * k; i++) {
                    out[i] = isNaN ? (Float.isNaN(out[i]) ? 1f : 0f) : (float) Math.log(out[i]);
                }
            }
            case "Add", "Sub", "Mul", "Div", "Equal" -> {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < k; c++) {
                        float a = value(s.in[0], in, r, c);
                        float b = value(s.in[1], in, r, c);
                        out[r * k + c] = switch (s.op) {
                            case "Add" -> a + b;
                            case "Sub" -> a - b;
                            case "Mul" -> a * b;
                            case "Div" -> a / b;
                            default -> a == b ? 1f : 0f;
                        };
                    }
                }
            }
            case "Where" -> {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < k; c++) {
                        out[r * k + c] = value(s.in[0], in, r, c) != 0 ? value(s.in[1], in, r, c) : value(s.in[2], in, r, c);
                    }
                }
            }
            case "Concat" -> {
                int offset = 0;
                for (Value v : s.in) {
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < v.columns(); c++) {
                            out[r * k + offset + c] = value(v, in, r, c);
                        }
                    }
                    offset += v.columns();
                }
            }
            default -> throw new IllegalStateException("unreachable: " + s.op);
        }
    }

    /** Copies the operand's columns ({@code from}, or all) into {@code out} of {@code k} columns. */
    private void copyColumns(Value v, FloatBuffer in, int rows, float[] out, int[] from, int k) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < k; c++) {
                out[r * k + c] = value(v, in, r, from == null ? c : from[c]);
            }
        }
    }

    /** Element (row {@code r}, column {@code c}) of a value: the raw rows, an earlier step's output, or a broadcast constant. */
    private float value(Value v, FloatBuffer in, int r, int c) {
        if (v.isConstant()) {
            return v.at(c);
        }
        if (v.step() < 0) {
            return in.get(r * inputs + (inputs == 1 ? 0 : c));
        }
        Step s = steps.get(v.step());
        return s.columns == 1 ? s.out[r] : s.out[r * s.columns + c];
    }

    private static float[] constantAttribute(String where, NodeProto node) throws MemberException {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return numbers(where, a.getT());
            }
            if (a.getName().equals("value_float")) {
                return new float[] {a.getF()};
            }
            if (a.getName().equals("value_int")) {
                return new float[] {a.getI()};
            }
        }
        throw new UnsupportedGraphException(where + "a Constant must hold a tensor or a number");
    }

    /** A constant's values as floats: float32, int64 or int32 tensors. */
    private static float[] numbers(String where, TensorProto t) throws MemberException {
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        if (t.getDimsCount() > 2 || t.getDimsCount() == 2 && t.getDims(0) != 1) {
            throw new UnsupportedGraphException(where + "constant '" + t.getName() + "' has shape " + t.getDimsList() + "; a scalar or a row is supported");
        }
        float[] values = new float[Math.toIntExact(count)];
        ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case FLOAT -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = raw != null ? raw.getFloat(i * Float.BYTES) : t.getFloatData(i);
                }
            }
            case INT64 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = raw != null ? raw.getLong(i * Long.BYTES) : t.getInt64Data(i);
                }
            }
            case INT32 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = raw != null ? raw.getInt(i * Integer.BYTES) : t.getInt32Data(i);
                }
            }
            default -> throw new UnsupportedGraphException(where + "constant '" + t.getName() + "' has data type " + t.getDataType()
                    + "; float32, int64 and int32 are supported");
        }
        return values;
    }
}
