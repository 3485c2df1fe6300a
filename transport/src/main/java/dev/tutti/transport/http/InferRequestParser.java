package dev.tutti.transport.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an inference request body: the JSON object of the Open Inference Protocol, then, when the
 * {@code Inference-Header-Content-Length} header says the JSON is shorter than the body, the binary
 * tensor data of each input whose {@code parameters.binary_data_size} is set, in input order
 * (little-endian; BYTES elements as a 4-byte length and the bytes).
 *
 * <p>Every element becomes a text cell: JSON numbers keep their text so that parsing them later as
 * double and rounding to float32 gives exactly the training pipeline's values; binary numbers are
 * written with {@link Float#toString}/{@link Double#toString}, which round-trip exactly.
 *
 * <p>Threads: stateless. Allocation: the request's objects and cells. Does not release {@code body}.
 */
final class InferRequestParser {
    private InferRequestParser() {}

    /**
     * @param jsonLength bytes of JSON at the start of {@code body}, or -1 for all of it
     * @throws BadRequestException for malformed JSON, missing fields, or binary data that does not fit
     */
    static InferRequest parse(ByteBuf body, int jsonLength) {
        int start = body.readerIndex();
        int total = body.readableBytes();
        int json = jsonLength < 0 ? total : jsonLength;
        if (json > total) {
            throw new BadRequestException("Inference-Header-Content-Length " + json + " is larger than the body (" + total + " bytes)");
        }
        InferRequest request;
        try (JsonParser p = Responses.JSON.createParser((java.io.InputStream) new ByteBufInputStream(body.slice(start, json)))) {
            request = readRequest(p);
        } catch (JsonParseException e) {
            throw new BadRequestException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("the body could not be read: " + e.getMessage());
        }
        return withBinaryData(request, body.slice(start + json, total - json));
    }

    private static InferRequest readRequest(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new BadRequestException("the body must be a JSON object");
        }
        String id = null;
        List<InferRequest.Tensor> inputs = null;
        List<InferRequest.Output> outputs = List.of();
        Params params = new Params();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = text(p, value, "id");
                case "parameters" -> readParameters(p, value, params);
                case "inputs" -> inputs = readInputs(p, value);
                case "outputs" -> outputs = readOutputs(p, value);
                default -> p.skipChildren();
            }
        }
        if (inputs == null) {
            throw new BadRequestException("the request has no 'inputs'");
        }
        return new InferRequest(id, inputs, outputs, params.tier, params.budgetMicros, params.binaryOutput, params.explain);
    }

    /** The request-level parameters Tutti reads. */
    private static final class Params {
        int tier;
        long budgetMicros;
        boolean binaryOutput;
        boolean explain;
        long binarySize = -1;
    }

    private static void readParameters(JsonParser p, JsonToken value, Params params) throws IOException {
        expect(value, JsonToken.START_OBJECT, "parameters");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "tier" -> {
                    params.tier = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                    if (params.tier < 0 || params.tier > 255) {
                        throw new BadRequestException("parameter 'tier' must be an integer from 0 to 255");
                    }
                }
                case "budget_ms" -> {
                    if (!v.isNumeric() || p.getDoubleValue() <= 0 || p.getDoubleValue() > 3_600_000) {
                        throw new BadRequestException("parameter 'budget_ms' must be a number of milliseconds above 0");
                    }
                    params.budgetMicros = Math.max(1, Math.round(p.getDoubleValue() * 1000));
                }
                case "binary_data_output" -> params.binaryOutput = bool(p, v, name);
                case "binary_data" -> params.binaryOutput = bool(p, v, name);
                case "explain" -> params.explain = bool(p, v, name);
                case "binary_data_size" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
                        throw new BadRequestException("parameter 'binary_data_size' must be a byte count");
                    }
                    params.binarySize = p.getLongValue();
                }
                default -> p.skipChildren();
            }
        }
    }

    private static List<InferRequest.Tensor> readInputs(JsonParser p, JsonToken value) throws IOException {
        expect(value, JsonToken.START_ARRAY, "inputs");
        List<InferRequest.Tensor> inputs = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            String datatype = null;
            long[] shape = null;
            List<String> cells = null;
            Params params = new Params();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "name" -> name = text(p, v, "input name");
                    case "datatype" -> datatype = text(p, v, "datatype").toUpperCase(Locale.ROOT);
                    case "shape" -> shape = readShape(p, v);
                    case "data" -> {
                        cells = new ArrayList<>();
                        readData(p, v, cells);
                    }
                    case "parameters" -> readParameters(p, v, params);
                    default -> p.skipChildren();
                }
            }
            String which = name == null ? "input " + inputs.size() : "input '" + name + "'";
            if (name == null || datatype == null || shape == null) {
                throw new BadRequestException(which + " needs 'name', 'shape' and 'datatype'");
            }
            if (cells == null && params.binarySize < 0) {
                throw new BadRequestException(which + " has neither 'data' nor parameters.binary_data_size");
            }
            InferRequest.Tensor t = new InferRequest.Tensor(name, datatype, shape, cells == null ? List.of() : cells,
                    cells == null ? params.binarySize : -1);
            if (cells != null && cells.size() != t.elements()) {
                throw new BadRequestException(which + " has " + cells.size() + " elements; its shape " + java.util.Arrays.toString(shape)
                        + " says " + t.elements());
            }
            inputs.add(t);
        }
        return inputs;
    }

    private static long[] readShape(JsonParser p, JsonToken v) throws IOException {
        expect(v, JsonToken.START_ARRAY, "shape");
        List<Long> dims = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
            long d = p.getLongValue();
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new BadRequestException("a shape dimension is 0 or more: " + d);
            }
            dims.add(d);
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new BadRequestException("a shape is an array of integers");
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** Flattens nested arrays of numbers, strings and booleans into cells, row-major. */
    private static void readData(JsonParser p, JsonToken v, List<String> cells) throws IOException {
        switch (v) {
            case START_ARRAY -> {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    readData(p, t, cells);
                }
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> cells.add(p.getText());
            case VALUE_TRUE -> cells.add("1");
            case VALUE_FALSE -> cells.add("0");
            case VALUE_NULL -> cells.add("");
            default -> throw new BadRequestException("tensor data holds numbers, strings, booleans and arrays of them; found " + v);
        }
    }

    private static List<InferRequest.Output> readOutputs(JsonParser p, JsonToken value) throws IOException {
        expect(value, JsonToken.START_ARRAY, "outputs");
        List<InferRequest.Output> outputs = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name = null;
            Params params = new Params();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "name" -> name = text(p, v, "output name");
                    case "parameters" -> readParameters(p, v, params);
                    default -> p.skipChildren();
                }
            }
            if (name == null) {
                throw new BadRequestException("output " + outputs.size() + " needs a 'name'");
            }
            outputs.add(new InferRequest.Output(name, params.binaryOutput));
        }
        return outputs;
    }

    private static String text(JsonParser p, JsonToken v, String what) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new BadRequestException("'" + what + "' must be a string");
        }
        return p.getText();
    }

    private static boolean bool(JsonParser p, JsonToken v, String what) {
        if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
            throw new BadRequestException("parameter '" + what + "' must be true or false");
        }
        return v == JsonToken.VALUE_TRUE;
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new BadRequestException("'" + what + "' must be " + (expected == JsonToken.START_ARRAY ? "an array" : "an object"));
        }
    }

    /** Fills the cells of inputs sent as binary tensor data from {@code data}, in input order. */
    private static InferRequest withBinaryData(InferRequest request, ByteBuf data) {
        List<InferRequest.Tensor> inputs = new ArrayList<>(request.inputs().size());
        int at = data.readerIndex();
        int end = at + data.readableBytes();
        for (InferRequest.Tensor t : request.inputs()) {
            if (t.binarySize() < 0) {
                inputs.add(t);
                continue;
            }
            if (at + t.binarySize() > end) {
                throw new BadRequestException("input '" + t.name() + "' says " + t.binarySize() + " bytes of binary data; only "
                        + (end - at) + " are left in the body");
            }
            inputs.add(new InferRequest.Tensor(t.name(), t.datatype(), t.shape(), binaryCells(t, data, at, (int) t.binarySize()), -1));
            at += (int) t.binarySize();
        }
        if (at != end) {
            throw new BadRequestException((end - at) + " bytes of binary data follow the JSON but no input claims them");
        }
        return new InferRequest(request.id(), inputs, request.outputs(), request.tier(), request.budgetMicros(), request.binaryOutput(),
                request.explain());
    }

    private static List<String> binaryCells(InferRequest.Tensor t, ByteBuf data, int at, int size) {
        long n = t.elements();
        List<String> cells = new ArrayList<>((int) Math.min(n, 1 << 20));
        if (t.datatype().equals("BYTES")) {
            int end = at + size;
            while (at < end) {
                if (at + 4 > end) {
                    throw new BadRequestException("input '" + t.name() + "': a BYTES element's length runs past its data");
                }
                int len = data.getIntLE(at);
                if (len < 0 || at + 4 + len > end) {
                    throw new BadRequestException("input '" + t.name() + "': a BYTES element of " + len + " bytes runs past its data");
                }
                cells.add(data.toString(at + 4, len, StandardCharsets.UTF_8));
                at += 4 + len;
            }
        } else {
            int width = Datatypes.bytes(t.datatype());
            if (width <= 0) {
                throw new BadRequestException("input '" + t.name() + "': unknown datatype " + t.datatype());
            }
            if ((long) width * n != size) {
                throw new BadRequestException("input '" + t.name() + "': " + n + " elements of " + t.datatype() + " are " + width * n
                        + " bytes; binary_data_size says " + size);
            }
            for (int i = 0; i < n; i++) {
                cells.add(Datatypes.read(t.datatype(), data, at + i * width));
            }
        }
        if (cells.size() != n) {
            throw new BadRequestException("input '" + t.name() + "' has " + cells.size() + " elements; its shape says " + n);
        }
        return cells;
    }
}
