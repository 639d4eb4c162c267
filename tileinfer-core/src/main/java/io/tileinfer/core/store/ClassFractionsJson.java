package io.tileinfer.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code class_fractions} column of every store: JSON that keeps the model's class order. */
public final class ClassFractionsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassFractionsJson() {
    }

    public static String write(Map<String, Double> fractions) {
        try {
            return JSON.writeValueAsString(fractions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Double> read(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt class_fractions: " + json, e);
        }
    }
}
