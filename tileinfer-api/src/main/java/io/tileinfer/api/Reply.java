package io.tileinfer.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers: a status and either JSON fields or raw bytes of a media type, plus extra headers.
 * {@link Exchange} adds the request id and model version to every reply (headers, and JSON bodies).
 */
record Reply(int status, Map<String, Object> json, String contentType, byte[] bytes, Map<String, String> headers) {

    static final String JSON = "application/json";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Map<String, Object> fields) {
        return new Reply(status, fields, JSON, null, Map.of());
    }

    static Reply ok(Map<String, Object> fields) {
        return json(200, fields);
    }

    static Reply bytes(int status, String contentType, byte[] bytes) {
        return new Reply(status, null, contentType, bytes, Map.of());
    }

    static Reply error(ApiException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", e.getMessage());
        return new Reply(e.status(), fields, JSON, null, e.headers());
    }

    /** Whether the connection ends with this reply ({@code Connection: close}): the request's body was not read. */
    boolean closesConnection() {
        return "close".equals(headers.get("Connection"));
    }

    Reply withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new Reply(status, json, contentType, bytes, all);
    }
}
