package io.tileinfer.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only web page under {@code /ui}: its static files (OpenLayers from its WebJar, ours from the jar), and
 * GET endpoints of JSON and PNG over the result store and the model registry. Nothing here writes; the data
 * endpoints are behind the API key when one is configured, the static files (which hold no data) are not.
 * Files are served by name from a fixed list and rasters only where the store or a manifest names them, so no
 * request path reaches the file system.
 */
final class WebPage implements AutoCloseable {

    private static final String OL = "META-INF/resources/webjars/ol/10.7.0/";
    private static final String OURS = "io/tileinfer/api/ui/";
    private static final Map<String, Asset> ASSETS = Map.of(
            "ol.js", new Asset(OL + "dist/ol.js", "text/javascript; charset=utf-8"),
            "ol.css", new Asset(OL + "ol.css", "text/css; charset=utf-8"),
            "app.js", new Asset(OURS + "app.js", "text/javascript; charset=utf-8"),
            "app.css", new Asset(OURS + "app.css", "text/css; charset=utf-8"));
    private static final Asset INDEX = new Asset(OURS + "index.html", "text/html; charset=utf-8");
    /** {@code ?size=N}: the longest side of a picture. */
    private static final WholeNumberParameter SIZE = new WholeNumberParameter("size", 16, 4096, "pixels", 1024);

    private record Asset(String resource, String contentType) {
        byte[] bytes() {
            try (InputStream in = WebPage.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the jar");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final PageStore store;
    private final WebPageData data;
    private final ScenePictures pictures;

    private WebPage(PageStore store, Path registry, String served) {
        this.store = store;
        this.data = new WebPageData(store, registry, served);
        this.pictures = new ScenePictures(data);
    }

    /**
     * The page over the store at {@code storeUrl} (null: none). One that is not there yet is read once it is: an
     * SQLite file is not created (the page only reads), and the page lists no run until then.
     */
    static WebPage open(String storeUrl, Path registry, String served) {
        return new WebPage(new PageStore(storeUrl), registry, served);
    }

    List<Route> routes() {
        Map<String, byte[]> cache = new LinkedHashMap<>();
        ASSETS.forEach((name, asset) -> cache.put(name, asset.bytes()));
        byte[] index = INDEX.bytes();
        return List.of(
                Route.get("/ui", call -> page(index)),
                Route.get("/ui/", call -> page(index)),
                Route.get("/ui/assets/{name}", call -> {
                    String name = call.pathParameter("name");
                    Asset asset = ASSETS.get(name);
                    if (asset == null) {
                        throw ApiException.notFound("no such asset: " + name + ", expected one of "
                                + ASSETS.keySet().stream().sorted().toList());
                    }
                    return Reply.bytes(200, asset.contentType(), cache.get(name))
                            .withHeader("Cache-Control", "max-age=3600");
                }),
                Route.getKeyed("/ui/api/runs", call -> Reply.ok(data.runs(RunsQuery.of(call)))),
                Route.getKeyed("/ui/api/runs/{run}", call -> Reply.ok(data.run(call.pathParameter("run")))),
                Route.getKeyed("/ui/api/runs/{run}/scenes/{scene}/tiles", call -> Reply.ok(
                        data.tiles(call.pathParameter("run"), call.pathParameter("scene")))),
                Route.getKeyed("/ui/api/runs/{run}/scenes/{scene}/imagery.png",
                        call -> picture(call, "imagery", pictures::imagery)),
                Route.getKeyed("/ui/api/runs/{run}/scenes/{scene}/prediction.png",
                        call -> picture(call, "prediction", pictures::prediction)),
                Route.getKeyed("/ui/api/models", call -> Reply.ok(data.models())));
    }

    /**
     * Whether an If-None-Match header names the picture the client has (RFC 9110, 13.1.2): {@code *}, or a list of
     * entity tags of which one is {@code etag}, compared weakly ({@code W/} aside), as GET asks.
     */
    static boolean noneMatchHolds(String header, String etag) {
        if (header.strip().equals("*")) {
            return true;
        }
        for (String tag : header.split(",")) {
            String opaque = tag.strip();
            if ((opaque.startsWith("W/") ? opaque.substring(2) : opaque).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Reply page(byte[] index) {
        // The page loads nothing from elsewhere: a strict policy makes sure of it in the browser too.
        return Reply.bytes(200, INDEX.contentType(), index)
                .withHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
                        + "style-src 'self' 'unsafe-inline'")
                .withHeader("X-Content-Type-Options", "nosniff");
    }

    /** Renders one of a scene's pictures: what a picture takes to make. */
    @FunctionalInterface
    private interface Render {
        byte[] picture(String runId, String sceneId, int side);
    }

    /**
     * A scene's picture takes 1–3 s to render, and it changes only with the scene's raster: its ETag is the raster's
     * SHA-256 (with the picture's kind and size), and a browser that has it gets a 304 without a render.
     */
    private Reply picture(Call call, String kind, Render render) {
        String runId = call.pathParameter("run");
        String sceneId = call.pathParameter("scene");
        int side = SIZE.in(call);
        String etag = pictures.etag(runId, sceneId, kind, side);
        if (etag != null && call.header("If-None-Match").filter(tags -> noneMatchHolds(tags, etag)).isPresent()) {
            return Reply.bytes(304, "image/png", new byte[0]).withHeader("ETag", etag);
        }
        Reply reply = Reply.bytes(200, "image/png", render.picture(runId, sceneId, side));
        return etag == null ? reply : reply.withHeader("ETag", etag).withHeader("Cache-Control", "private, no-cache");
    }

    @Override
    public void close() {
        store.close();
    }
}
