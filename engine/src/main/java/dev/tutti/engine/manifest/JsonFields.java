package dev.tutti.engine.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, path-aware reads from a Jackson tree, so that every error names the file and the field
 * ({@code manifest.json: members[2].sha256: required}). Used by the manifest, schema and model
 * description readers.
 *
 * <p>Threads: instances are immutable views. Allocation: load-time only.
 */
public final class JsonFields {
    /** Strict about duplicate keys: a manifest naming a member twice must not silently keep the last value. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String file;
    private final String path;
    private final JsonNode node;

    private JsonFields(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Parses a JSON file; the error names the file, line and column. */
    public static JsonFields read(Path json) throws ManifestException {
        try {
            return new JsonFields(json.getFileName().toString(), "", MAPPER.readTree(json.toFile()));
        } catch (JsonProcessingException e) {
            throw new ManifestException(json + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new ManifestException(json + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Wraps an already-parsed node; {@code file} is used in error messages. */
    public static JsonFields of(String file, JsonNode node) {
        return new JsonFields(file, "", node);
    }

    public JsonNode node() {
        return node;
    }

    public String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    public boolean has(String field) {
        return node.hasNonNull(field);
    }

    public JsonFields object(String field) throws ManifestException {
        JsonNode child = required(field);
        if (!child.isObject()) {
            throw error(field, "expected an object");
        }
        return child(field, child);
    }

    /** The field as an object, or null when absent. */
    public JsonFields optionalObject(String field) throws ManifestException {
        return has(field) ? object(field) : null;
    }

    public List<JsonFields> array(String field) throws ManifestException {
        JsonNode child = required(field);
        if (!child.isArray()) {
            throw error(field, "expected an array");
        }
        List<JsonFields> items = new ArrayList<>();
        for (int i = 0; i < child.size(); i++) {
            items.add(new JsonFields(file, join(field) + "[" + i + "]", child.get(i)));
        }
        return items;
    }

    public String string(String field) throws ManifestException {
        JsonNode child = required(field);
        if (!child.isTextual() || child.asText().isEmpty()) {
            throw error(field, "expected a non-empty string");
        }
        return child.asText();
    }

    public String string(String field, String defaultValue) throws ManifestException {
        return has(field) ? string(field) : defaultValue;
    }

    public int integer(String field) throws ManifestException {
        JsonNode child = required(field);
        if (!child.canConvertToInt() || !child.isIntegralNumber()) {
            throw error(field, "expected an integer");
        }
        return child.asInt();
    }

    public double number(String field) throws ManifestException {
        JsonNode child = required(field);
        if (!child.isNumber()) {
            throw error(field, "expected a number");
        }
        return child.asDouble();
    }

    public double number(String field, double defaultValue) throws ManifestException {
        return has(field) ? number(field) : defaultValue;
    }

    public boolean bool(String field, boolean defaultValue) throws ManifestException {
        if (!has(field)) {
            return defaultValue;
        }
        JsonNode child = node.get(field);
        if (!child.isBoolean()) {
            throw error(field, "expected true or false");
        }
        return child.asBoolean();
    }

    public List<String> strings(String field) throws ManifestException {
        List<String> out = new ArrayList<>();
        for (JsonFields item : array(field)) {
            if (!item.node.isTextual()) {
                throw item.error("expected a string");
            }
            out.add(item.node.asText());
        }
        return out;
    }

    public double[] numbers(String field) throws ManifestException {
        List<JsonFields> items = array(field);
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = items.get(i).asNumber();
        }
        return out;
    }

    /** This node as a number (for array items). */
    public double asNumber() throws ManifestException {
        if (!node.isNumber()) {
            throw error("expected a number");
        }
        return node.asDouble();
    }

    /** This node as an array of numbers (for nested arrays). */
    public double[] asNumbers() throws ManifestException {
        if (!node.isArray()) {
            throw error("expected an array of numbers");
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isNumber()) {
                throw new ManifestException(file + ": " + path() + "[" + i + "]: expected a number");
            }
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    /** A string-to-string object such as {@code options}; empty when absent. */
    public Map<String, String> stringMap(String field) throws ManifestException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!has(field)) {
            return out;
        }
        JsonFields object = object(field);
        for (Map.Entry<String, JsonNode> e : object.node.properties()) {
            if (!e.getValue().isValueNode()) {
                throw object.error(e.getKey(), "expected a string, number or boolean");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The field names of this object, in file order. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    public ManifestException error(String field, String message) {
        return new ManifestException(file + ": " + join(field) + ": " + message);
    }

    public ManifestException error(String message) {
        return new ManifestException(file + ": " + path() + ": " + message);
    }

    private JsonNode required(String field) throws ManifestException {
        JsonNode child = node.get(field);
        if (child == null || child.isNull()) {
            throw error(field, "required");
        }
        return child;
    }

    private JsonFields child(String field, JsonNode child) {
        return new JsonFields(file, join(field), child);
    }

    private String join(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
