package io.tileinfer.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.tileinfer.core.run.StopRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The online inference API on Helidon SE: one model version, no state between requests, so that replicas behind a
 * load balancer behave as one. {@link #shutdown()} (SIGTERM in {@code tileinfer serve}) drains: readiness turns
 * false, requests in flight finish, then the server stops.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** How often Helidon looks for connections idle beyond the request timeout. */
    private static final Duration IDLE_CHECK_PERIOD = Duration.ofSeconds(1);

    private final ApiContext context;
    private final WebServer server;
    private final WebPage webPage;
    private final ListenerWatch watch;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile StopRequest signals = StopRequest.none();

    private ApiServer(ApiContext context, WebServer server, WebPage webPage, ListenerWatch watch) {
        this.context = context;
        this.server = server;
        this.webPage = webPage;
        this.watch = watch;
    }

    /** The API without a result store: the web page lists no run (its models still show). */
    public static ApiServer start(Path registry, String versionOrAlias, ApiSettings settings) throws BindException {
        return start(registry, versionOrAlias, settings, null);
    }

    /**
     * Loads the model from the registry and starts listening; the web page under {@code /ui} reads the runs of the
     * result store at {@code storeUrl} (null for none) and the registry's models.
     *
     * @throws io.tileinfer.model.ModelException when the version or alias is unknown or the model cannot be loaded
     * @throws BindException                       when the host and port cannot be listened on (e.g. a port in use)
     * @throws IllegalArgumentException            when the host is an unknown name
     */
    public static ApiServer start(Path registry, String versionOrAlias, ApiSettings settings, String storeUrl)
            throws BindException {
        requireListenable(settings.host(), settings.port());
        ServedModel served = ServedModel.load(registry, versionOrAlias);
        Admission admission = new Admission(settings.maxInFlight());
        Readiness readiness = new Readiness();
        ApiMetrics metrics = new ApiMetrics(served, admission, readiness);
        ApiContext context = new ApiContext(served, settings,
                settings.apiKey() == null ? null : new ApiKey(settings.apiKey()), admission, readiness, metrics,
                new InferencePool(settings.workers()), new TileInference(served, metrics.inference()));
        WebPage webPage = WebPage.open(storeUrl, registry, served.id());
        List<Route> routes = new ArrayList<>(routes(context));
        routes.addAll(webPage.routes());
        int maxConnections = ConnectionLimit.resolve(settings.maxConnections());
        WebServer server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                // a bound below the file descriptor limit, so that the accept loop never dies of EMFILE
                .maxTcpConnections(maxConnections)
                // Helidon's own check closes a connection waiting for its next request line (idle keep-alive, or a
                // request line that never ends) after the request timeout; HeaderDeadline covers the headers
                .idleConnectionTimeout(settings.requestTimeout())
                .idleConnectionPeriod(IDLE_CHECK_PERIOD)
                // this HTTP/1.1 instead of the discovered one, not beside it: with two, Helidon would pick per
                // connection and close an HTTP/1.0 one without its 505
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder()
                        .addReceiveListener(new HeaderDeadline(settings.requestTimeout(),
                                prologue -> DirectErrors.headersTimedOut(context, prologue,
                                        settings.requestTimeout().toNanos()))).build())
                .shutdownHook(false) // ours drains first, see shutdown()
                .errorHandling(errors -> errors.includeEntity(true)) // what Helidon refuses, it says why
                .directHandlers(handlers -> {
                    DirectErrors errors = new DirectErrors(context);
                    for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
                        handlers.addHandler(event, errors);
                    }
                })
                .routing(routing -> register(routing, routes, context))
                .build()
                .start();
        if (!server.isRunning()) { // another process took the port since requireListenable: Helidon logged why
            release(context, webPage);
            throw new BindException(cannotListen(settings.host(), settings.port()) + "see the log above");
        }
        readiness.set(true);
        LOG.atInfo().addKeyValue("model_version", served.id()).addKeyValue("port", server.port())
                .log("serving model {} version {} (asked for as {}) on http://{}:{}", served.name(), served.id(),
                        served.requestedAs(), settings.host(), server.port());
        ListenerWatch watch = new ListenerWatch(ListenerWatch.of(settings.host(), server.port()),
                ListenerWatch.PERIOD, () -> {
                    // nothing would ever be accepted again: a supervisor's restart is the way out (Helidon's own
                    // stop hangs on its dead listener, so no drain is tried)
                    readiness.set(false);
                    LOG.error("the server no longer accepts connections on port {} (its listener stopped: see the "
                            + "log above); exiting with status 1 so that a supervisor starts it again", server.port());
                    Runtime.getRuntime().halt(1);
                });
        return new ApiServer(context, server, webPage, watch);
    }

    /**
     * Binds the address once before anything is loaded, so that a port in use ends start-up at once with one clear
     * message: Helidon 4.5 logs a bind failure as errors with stack traces and leaves a server that is not running.
     */
    private static void requireListenable(String host, int port) throws BindException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--host " + host + ": unknown host name, expected an address of this "
                    + "machine such as 127.0.0.1, or 0.0.0.0 for all of them");
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as Helidon binds
            probe.bind(address);
        } catch (IOException e) {
            boolean inUse = e instanceof BindException && String.valueOf(e.getMessage()).contains("in use");
            throw new BindException(cannotListen(host, port) + (inUse
                    ? "the port is in use by another process: stop it or choose another --port"
                    : e.getMessage() + " (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private static String cannotListen(String host, int port) {
        return "cannot listen on " + host + ":" + port + ": ";
    }

    private static List<Route> routes(ApiContext context) {
        OpenInference oip = new OpenInference(context);
        byte[] openApi = OpenApiDocument.render(context.settings().apiKey() != null, context.served());
        return List.of(
                Route.get("/v2/health/live", oip::live),
                Route.get("/v2/health/ready", oip::ready),
                Route.get("/v2", oip::server),
                Route.get("/v2/models/{name}", oip::metadata),
                Route.get("/v2/models/{name}/versions/{version}", oip::metadata),
                Route.get("/v2/models/{name}/ready", oip::modelReady),
                Route.get("/v2/models/{name}/versions/{version}/ready", oip::modelReady),
                Route.infer("/v2/models/{name}/infer", oip::infer),
                Route.infer("/v2/models/{name}/versions/{version}/infer", oip::infer),
                Route.infer("/v1/predict", new PredictEndpoint(context)),
                Route.get("/metrics", call -> Reply.bytes(200, PROMETHEUS_TEXT,
                        context.metrics().scrape().getBytes(StandardCharsets.UTF_8))),
                Route.get("/openapi.json", call -> Reply.bytes(200, Reply.JSON, openApi)));
    }

    /**
     * Each route, and HEAD beside each GET (Helidon 4.5 derives no HEAD route from a GET one, and would write the body
     * a handler gives it: {@link Exchange} sends the GET's status and headers only), then 405 for the other methods
     * on its path, then 404 for every other path.
     */
    private static void register(HttpRouting.Builder routing, List<Route> routes, ApiContext context) {
        Map<String, List<String>> methodsByPath = new LinkedHashMap<>();
        for (Route route : routes) {
            Exchange exchange = new Exchange(route, context);
            routing.route(route.method(), route.pattern(), exchange);
            List<String> methods = methodsByPath.computeIfAbsent(route.pattern(), p -> new ArrayList<>());
            methods.add(route.method().text());
            if (route.method() == Method.GET) {
                routing.route(Method.HEAD, route.pattern(), exchange);
                methods.add(Method.HEAD.text());
            }
        }
        methodsByPath.forEach((pattern, methods) -> routing.any(pattern, new Exchange(new Route(null, pattern, false,
                call -> {
                    throw new ApiException(405, "method_not_allowed", "this method is not allowed on " + pattern
                            + ", expected " + String.join(" or ", methods), Map.of("Allow", String.join(", ", methods)));
                }), context)));
        routing.any(new Exchange(new Route(null, "unmatched", false, call -> {
            throw ApiException.notFound("no such endpoint: see /openapi.json for the API");
        }), context));
    }

    public int port() {
        return server.port();
    }

    /** The served model version id. */
    public String modelVersion() {
        return context.served().id();
    }

    /**
     * Drains and stops: readiness turns false at once, the server keeps answering for the shutdown delay (time for
     * load balancers to notice), then answers new requests 503 and waits up to the shutdown timeout for those in
     * flight, then stops. Idempotent.
     */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        watch.close(); // the port closes with the stop: no sign of a dead listener then
        try {
            context.readiness().set(false);
            ApiSettings settings = context.settings();
            LOG.info("shutting down: readiness is false; {} requests in flight",
                    context.readiness().activeRequests());
            Thread.sleep(settings.shutdownDelay().toMillis());
            context.readiness().refuseNew(); // a client that still sends here gets a 503 to retry elsewhere
            boolean idle = context.readiness().awaitIdle(settings.shutdownTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            server.stop();
            if (idle) {
                release(context, webPage);
                LOG.info("stopped after every request finished");
            } else {
                webPage.close();
                // Closing the model under a running inference would crash the process: leave it to the exit.
                LOG.warn("stopped with {} requests still running after the {} shutdown timeout",
                        context.readiness().activeRequests(), settings.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
        } finally {
            stopped.countDown();
        }
    }

    private static void release(ApiContext context, WebPage webPage) {
        webPage.close();
        context.pool().close();
        context.metrics().close();
        context.served().close();
    }

    /**
     * Makes SIGTERM and SIGINT drain ({@link #shutdown()}) instead of the JVM's default, which runs every shutdown
     * hook at once: ONNX Runtime's own hook frees its native environment, and a request still in flight then
     * crashes the process inside {@code OrtSession.run}. The JVM's hooks run later, when the caller exits with
     * {@link #awaitStopped()}'s status. A second signal ends the process at once, as in {@code tileinfer batch}
     * (see {@link StopRequest#onSignals(Runnable)}).
     */
    public void drainOnSignals() {
        signals = StopRequest.onSignals(() -> Thread.ofPlatform().name("tileinfer-drain").start(this::shutdown));
    }

    /**
     * Blocks until {@link #shutdown()} has finished.
     *
     * @return the process exit status to end with: 128 + the signal's number after a signal, else 0
     */
    public int awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return signals.exitStatus();
    }

    @Override
    public void close() {
        shutdown();
    }
}
