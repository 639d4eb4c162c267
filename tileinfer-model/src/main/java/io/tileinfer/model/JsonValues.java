package io.tileinfer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Free-form JSON values of a card (hyper-parameters, metrics) in one canonical Java form, so that equality
 * survives a JSON round trip: integers are Long, other numbers Double, maps sorted by key, all unmodifiable.
 */
final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {
    }

    static Map<String, Object> normalizeObject(Map<String, ?> map, String where) {
        Objects.requireNonNull(map, where);
        TreeMap<String, Object> sorted = new TreeMap<>();
        map.forEach((key, value) -> sorted.put(key, normalize(value, where + "." + key)));
        return Collections.unmodifiableSortedMap(sorted);
    }

    static Map<String, String> sortedStrings(Map<String, String> map) {
        Objects.requireNonNull(map, "libraryVersions");
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }

    private static Object normalize(Object value, String where) {
        return switch (value) {
            case null -> throw new IllegalArgumentException(where + ": null is not allowed");
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger big -> big.longValueExact();
            case Float f -> finite(f.doubleValue(), where);
            case Double d -> finite(d, where);
            case BigDecimal big -> finite(big.doubleValue(), where);
            case Map<?, ?> map -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                map.forEach((key, item) -> sorted.put(String.valueOf(key), normalize(item, where + "." + key)));
                yield Collections.unmodifiableSortedMap(sorted);
            }
            case List<?> list -> {
                List<Object> items = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    items.add(normalize(list.get(i), where + "[" + i + "]"));
                }
                yield Collections.unmodifiableList(items);
            }
            default -> throw new IllegalArgumentException(where + ": " + value.getClass().getSimpleName()
                    + " is not a JSON value (use strings, booleans, numbers, lists and maps)");
        };
    }

    private static Double finite(double value, String where) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(where + ": " + value + " cannot be written as JSON");
        }
        return value;
    }

    static JsonNode toJson(Object value) {
        return switch (value) {
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                map.forEach((key, item) -> object.set((String) key, toJson(item)));
                yield object;
            }
            case List<?> list -> {
                ArrayNode array = NODES.arrayNode();
                list.forEach(item -> array.add(toJson(item)));
                yield array;
            }
            default -> throw new IllegalStateException("not normalised: " + value.getClass());
        };
    }

    /** The Java form of a JSON value; null for JSON null (which a card refuses with the field's name). */
    static Object fromJson(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, Object> map = new TreeMap<>();
            node.properties().forEach(entry -> map.put(entry.getKey(), fromJson(entry.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(fromJson(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.isNull() ? null : node.asText();
    }
}
