package io.tileinfer.core.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a YAML/JSON document that knows where it is ({@code file: scenes[0].bands}), so that every
 * error names the file, the field, what was found and what was expected.
 */
public record ConfigNode(Path file, String path, JsonNode node) {

    public boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    public ConfigNode get(String field) {
        JsonNode child = node.get(field);
        if (child == null || child.isNull()) {
            throw error(field, "is missing", "a value");
        }
        return new ConfigNode(file, join(field), child);
    }

    public String string(String field) {
        ConfigNode child = get(field);
        if (!child.node.isValueNode()) {
            throw child.mismatch("a string");
        }
        return child.node.asText();
    }

    public String string(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    public int integer(String field, int fallback, int min, int max) {
        if (!has(field)) {
            return fallback;
        }
        ConfigNode child = get(field);
        if (!child.node.canConvertToInt() || !child.node.isIntegralNumber()) {
            throw child.mismatch("a whole number from " + min + " to " + max);
        }
        int value = child.node.asInt();
        if (value < min || value > max) {
            throw child.mismatch("a whole number from " + min + " to " + max);
        }
        return value;
    }

    public Integer optionalInteger(String field, int min, int max) {
        return has(field) ? integer(field, 0, min, max) : null;
    }

    public Double optionalNumber(String field) {
        if (!has(field)) {
            return null;
        }
        ConfigNode child = get(field);
        if (!child.node.isNumber()) {
            throw child.mismatch("a number");
        }
        return child.node.asDouble();
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        ConfigNode child = get(field);
        if (!child.node.isBoolean()) {
            throw child.mismatch("true or false");
        }
        return child.node.asBoolean();
    }

    public List<ConfigNode> list(String field) {
        ConfigNode child = get(field);
        if (!child.node.isArray()) {
            throw child.mismatch("a list");
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < child.node.size(); i++) {
            items.add(new ConfigNode(file, child.path + "[" + i + "]", child.node.get(i)));
        }
        return items;
    }

    public List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        for (ConfigNode item : list(field)) {
            if (!item.node.isValueNode()) {
                throw item.mismatch("a string");
            }
            values.add(item.node.asText());
        }
        return values;
    }

    /** A mapping of names to strings, in document order. */
    public Map<String, String> stringMap(String field) {
        ConfigNode child = get(field);
        if (!child.node.isObject()) {
            throw child.mismatch("a mapping of names to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = child.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode()) {
                throw new ConfigNode(file, child.join(entry.getKey()), entry.getValue()).mismatch("a string");
            }
            values.put(entry.getKey(), entry.getValue().asText());
        }
        return values;
    }

    /** Typos must not pass silently: a key that is not one of {@code allowed} is an error. */
    public void onlyKeys(Set<String> allowed) {
        Set<String> sorted = new TreeSet<>(allowed); // the same message every time: Set.of's order is not
        if (!node.isObject()) {
            throw mismatch("a mapping with the keys " + sorted);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException(where(join(key)) + "unknown key; expected one of " + sorted);
            }
        }
    }

    public ConfigException mismatch(String expected) {
        return new ConfigException(where(path) + "found " + describe(node) + ", expected " + expected);
    }

    public ConfigException error(String field, String problem, String expected) {
        return new ConfigException(where(join(field)) + problem + ", expected " + expected);
    }

    public ConfigException invalid(String problem) {
        return new ConfigException(where(path) + problem);
    }

    private String where(String fieldPath) {
        return file + ": " + (fieldPath.isEmpty() ? "" : fieldPath + ": ");
    }

    private String join(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "\"" + node.asText() + "\"";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.toString();
    }
}
