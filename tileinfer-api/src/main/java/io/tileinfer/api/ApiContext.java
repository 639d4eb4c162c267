package io.tileinfer.api;

/** What the endpoints share: the served model, settings, limits, readiness and meters; no request state. */
record ApiContext(ServedModel served, ApiSettings settings, ApiKey apiKey, Admission admission,
                  Readiness readiness, ApiMetrics metrics, InferencePool pool, TileInference inference) {
}
