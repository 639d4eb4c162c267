package io.tileinfer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tileinfer.api.ApiServer;
import io.tileinfer.api.ApiSettings;
import io.tileinfer.core.ExitCodes;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterWriter;
import io.tileinfer.raster.Window;
import io.tileinfer.train.OnnxPixelGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tileinfer aot-training prepare|run DIR} (hidden): the training run of the JDK's AOT cache, which
 * {@code scripts/aot-cache} records when the jar is built. It needs no data and no network.
 * <ul>
 * <li>{@code prepare} creates DIR (which must not exist) with a small per-pixel ONNX model in a registry, a four-band
 * scene of single-band GeoTIFFs written through GDAL, a GeoTIFF tile and a pipeline configuration. It runs in a JVM of
 * its own, not recorded: the protobuf classes that build the model are nothing a user's command loads, and every
 * class recorded is loaded at each start.</li>
 * <li>{@code run} runs, in this process, what the demo, the Airflow DAG and the API run: {@code models list/show},
 * {@code validate --json}, {@code plan}, {@code batch} (and again, which resumes), and {@code serve} on a free loopback
 * port with a request to each kind of endpoint (over a plain socket: the JDK's HTTP client is no part of serve).</li>
 * </ul>
 * Everything it writes stays in DIR (its own SQLite store, never TILEINFER_STORE_URL's). Exits non-zero when any step
 * fails, so that a broken workload is noticed rather than cached.
 */
@Command(name = "aot-training", hidden = true,
        description = "The training run of the launcher's AOT cache (scripts/aot-cache); writes only into DIR.")
final class AotTrainingCommand implements Callable<Integer> {

    private static final List<String> BANDS = List.of("B2", "B3", "B4", "B5");
    private static final List<String> COMMON_NAMES = List.of("blue", "green", "red", "nir08");
    private static final int WIDTH = 600;
    private static final int HEIGHT = 560;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "STEP", description = "prepare (creates DIR) or run (the workload in DIR).")
    String step;

    @Parameters(index = "1", paramLabel = "DIR", description = "The workload's directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path work = dir.toAbsolutePath();
        switch (step) {
            case "prepare" -> prepare(work);
            case "run" -> {
                return run(work);
            }
            default -> throw new IllegalArgumentException("aot-training: step must be prepare or run, found " + step);
        }
        return ExitCodes.OK;
    }

    private static void prepare(Path work) throws IOException {
        Files.createDirectory(work); // fails if it exists: nothing of anyone else's is touched
        ModelRegistry models = ModelRegistry.open(work.resolve("models"));
        models.promote(models.register(onnx(), card()).id(), "production");
        Path scene = Files.createDirectory(work.resolve("scene"));
        for (int b = 0; b < BANDS.size(); b++) {
            writeRaster(scene.resolve(BANDS.get(b) + ".tif"), WIDTH, HEIGHT, 1, b);
        }
        writeRaster(work.resolve("tile.tif"), 64, 64, BANDS.size(), 0);
        StringBuilder yaml = new StringBuilder("model: production\nregistry: models\noutput: runs\n"
                + "store: {url: \"" + store(work) + "\"}\ntiling: {size: 256, halo: 16, batch: 8}\nworkers: 2\n"
                + "crs: EPSG:32616\nscenes:\n  - id: aot\n    acquired: \"2015-08-04T16:19:21Z\"\n    bands:\n");
        BANDS.forEach(band -> yaml.append("      ").append(band).append(": scene/").append(band).append(".tif\n"));
        Files.writeString(work.resolve("pipeline.yaml"), yaml);
    }

    private static String store(Path work) {
        return "jdbc:sqlite:" + work.resolve("runs/results.db");
    }

    private static int run(Path work) throws IOException {
        String registry = work.resolve("models").toString();
        String config = work.resolve("pipeline.yaml").toString();
        List<List<String>> commands = List.of(List.of("--version"), List.of("models", "list", "--registry", registry),
                List.of("models", "show", "production", "--registry", registry),
                List.of("validate", work.resolve("scene").toString(), "--model", "production", "--registry", registry,
                        "--json"),
                List.of("plan", "--config", config), List.of("batch", "--config", config),
                List.of("batch", "--config", config));
        for (List<String> command : commands) {
            int status = Tileinfer.execute(command.toArray(String[]::new));
            if (status != ExitCodes.OK) {
                System.err.println("aot-training: 'tileinfer " + String.join(" ", command) + "' exited " + status);
                return ExitCodes.INTERNAL;
            }
        }
        serve(work.resolve("models"), store(work), Files.readAllBytes(work.resolve("tile.tif")));
        return ExitCodes.OK;
    }

    /** The API on a free loopback port: each kind of request the API and its web page answer, each must succeed. */
    private static void serve(Path registry, String store, byte[] tile) throws IOException {
        try (ApiServer server = ApiServer.start(registry, "production", ApiSettings.defaults(), store)) {
            int port = server.port();
            float[] values = new float[BANDS.size() * 8 * 8];
            for (int i = 0; i < values.length; i++) {
                values[i] = 8000 + 97 * i;
            }
            byte[] infer = JSON.writeValueAsBytes(Map.of("inputs", List.of(Map.of("name", "input",
                    "shape", List.of(1, BANDS.size(), 8, 8), "datatype", "FP32", "data", values))));
            for (String path : List.of("/v2/health/ready", "/v2", "/v2/models/aot-training", "/openapi.json")) {
                get(port, path);
            }
            send(port, "POST", "/v2/models/aot-training/infer", "application/json", "application/json", infer);
            send(port, "POST", "/v1/predict?pixels=true", "image/tiff", "application/json", tile);
            send(port, "POST", "/v1/predict", "image/tiff", "image/tiff", tile);
            String runs = get(port, "/ui/api/runs");
            String runId = JSON.readTree(runs).path("runs").path(0).path("run_id").asText("");
            if (runId.isEmpty()) {
                throw new IOException("/ui/api/runs lists no run: " + runs);
            }
            String scene = "/ui/api/runs/" + runId + "/scenes/aot";
            for (String path : List.of("/ui", "/ui/assets/app.js", "/ui/api/models", "/ui/api/runs/" + runId,
                    scene + "/tiles", scene + "/imagery.png?size=256", scene + "/prediction.png?size=256", "/metrics")) {
                get(port, path);
            }
        }
    }

    private static String get(int port, String path) throws IOException {
        return send(port, "GET", path, null, "*/*", null);
    }

    /**
     * One HTTP/1.1 request on a connection of its own; the response's body (of its Content-Length), which must come
     * with status 200.
     */
    private static String send(int port, String method, String path, String contentType, String accept, byte[] body)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: " + accept
                    + "\r\nConnection: close\r\n" + (body == null ? "" : "Content-Type: " + contentType
                    + "\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder headers = new StringBuilder();
            while (headers.length() < 65536 && !headers.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                headers.append((char) c);
            }
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headers);
            if (!headers.toString().startsWith("HTTP/1.1 200 ") || !length.find()) {
                throw new IOException(method + " " + path + ": " + headers + new String(in.readNBytes(500),
                        StandardCharsets.UTF_8));
            }
            return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
        }
    }

    /** A float32 COG in EPSG:32616: a smooth field with a bright ("cloud") square, so that both classes occur. */
    private static void writeRaster(Path file, int width, int height, int bands, int seed) {
        Path scratch = file.resolveSibling(file.getFileName() + ".scratch.tif");
        try (RasterWriter writer = RasterWriter.create(scratch, width, height, bands, DataType.FLOAT32,
                new GeoTransform(452475, 30, 0, 3408645, 0, -30), Crs.parse("EPSG:32616"), null)) {
            for (int band = 1; band <= bands; band++) {
                float[] values = new float[width * height];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        boolean bright = x > width / 3 && x < width / 2 && y > height / 4 && y < height / 2;
                        values[y * width + x] = (bright ? 30000 : 8000) + 37 * ((x + 3 * y + 500 * (seed + band)) % 100);
                    }
                }
                writer.write(new Window(0, 0, width, height), band, values);
            }
            writer.setMetadata("TIFFTAG_DATETIME", "2015:08:04 16:19:21");
            writer.finishCog(file);
        }
    }

    private static ModelCard card() {
        List<BandSpec> bands = BANDS.stream()
                .map(band -> new BandSpec(band, COMMON_NAMES.get(BANDS.indexOf(band)), 2e-5, -0.1)).toList();
        return new ModelCard("aot-training", null, List.of("semantic-segmentation"), "onnxruntime", "1.29.0", bands,
                "float32", List.of(-1L, (long) BANDS.size(), -1L, -1L),
                List.of(new ClassSpec(0, "clear", "#2c7bb6"), new ClassSpec(1, "cloud", "#ffffff")), 256, 16,
                List.of(), 1, Map.of(), Map.of(), Map.of());
    }

    /** Per pixel: softmax over two classes of a 1x1 convolution of the scaled bands (cloud when bright). */
    private static byte[] onnx() {
        int bands = BANDS.size();
        float[] weights = new float[2 * bands]; // clear: 0 per band; cloud: 2.5 per band
        Arrays.fill(weights, bands, weights.length, 2.5f);
        return new OnnxPixelGraph("aot-training", bands, 2)
                .floatConstant("W", new long[]{2, bands, 1, 1}, weights)
                .floatConstant("B", new long[]{2}, 0, -2)
                .node("Conv", "logits", OnnxPixelGraph.INPUT, "W", "B")
                .node("Softmax", OnnxPixelGraph.OUTPUT, OnnxPixelGraph.axis(1), "logits")
                .toModelBytes("tileinfer-aot-training");
    }
}
