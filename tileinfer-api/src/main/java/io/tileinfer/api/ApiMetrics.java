package io.tileinfer.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The API's meters, scraped at {@code GET /metrics} in Prometheus text format:
 * {@code tileinfer_api_requests_seconds} (histogram by endpoint, method and status),
 * {@code tileinfer_api_inference_seconds} (histogram of model time), {@code tileinfer_api_failures_total} (by
 * cause), {@code tileinfer_api_in_flight}, {@code tileinfer_api_ready} and {@code tileinfer_model_info} (1, with
 * the model's name, version and ONNX SHA-256 as labels), plus the JVM's.
 */
final class ApiMetrics implements AutoCloseable {

    /** Latency buckets from a cached health check to a large tile on a busy server. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer inference;

    ApiMetrics(ServedModel served, Admission admission, Readiness readiness) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        inference = Timer.builder("tileinfer.api.inference").description("Time in the model per tile")
                .tag("model_version", served.id()).serviceLevelObjectives(BUCKETS).register(registry);
        Gauge.builder("tileinfer.model.info", () -> 1).description("The model this server serves")
                .tag("model_name", served.name()).tag("model_version", served.id())
                .tag("requested_as", served.requestedAs()).tag("onnx_sha256", served.version().onnxSha256())
                .register(registry);
        Gauge.builder("tileinfer.api.in_flight", admission::inFlight)
                .description("Inference requests being answered").register(registry);
        Gauge.builder("tileinfer.api.ready", () -> readiness.ready() ? 1 : 0)
                .description("1 while the server takes traffic, 0 while starting or draining").register(registry);
    }

    Timer inference() {
        return inference;
    }

    void request(String endpoint, String method, int status, long nanos) {
        Timer.builder("tileinfer.api.requests").description("HTTP requests by endpoint, method and status")
                .tag("endpoint", endpoint).tag("method", method).tag("status", String.valueOf(status))
                .serviceLevelObjectives(BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void failure(String endpoint, String cause) {
        Counter.builder("tileinfer.api.failures").description("Refused or failed requests by cause")
                .tag("endpoint", endpoint).tag("cause", cause).register(registry).increment();
    }

    /** Prometheus text exposition format 0.0.4. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
