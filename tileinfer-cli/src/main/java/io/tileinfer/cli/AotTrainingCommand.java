package io.tileinfer.cli;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.tileinfer.api.ApiServer;
import io.tileinfer.api.ApiSettings;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.DataType;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterWriter;
import io.tileinfer.raster.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tileinfer aot-training DIR} (hidden): the training run of the JDK's AOT cache, which {@code scripts/aot-cache}
 * records when the jar is built. It needs no data and no network: in DIR (created; it must not exist) it registers
 * a small per-pixel ONNX model and writes a four-band scene of single-band GeoTIFFs through GDAL, then runs what the
 * demo and the API run, in this process: {@code models list/show}, {@code validate}, {@code plan}, {@code batch}
 * (and again, which resumes), and {@code serve} on a free loopback port with a request to every kind of endpoint.
 * Everything it writes stays in DIR (its own SQLite store, never TILEINFER_STORE_URL's). Exits non-zero when any
 * step fails, so that a broken workload is noticed rather than cached.
 */
@Command(name = "aot-training", hidden = true,
        description = "The training run of the launcher's AOT cache (scripts/aot-cache); writes only into DIR.")
final class AotTrainingCommand implements Callable<Integer> {

    private static final List<String> BANDS = List.of("B2", "B3", "B4", "B5");
    private static final List<String> COMMON_NAMES = List.of("blue", "green", "red", "nir08");
    private static final int WIDTH = 600;
    private static final int HEIGHT = 560;

    @Parameters(index = "0", paramLabel = "DIR", description = "A directory to create for the workload's files.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Files.createDirectory(dir); // fails if it exists: nothing of anyone else's is touched
        Path work = dir.toAbsolutePath();
        Path registry = work.resolve("models");
        ModelRegistry models = ModelRegistry.open(registry);
        models.promote(models.register(onnx(), card()).id(), "production");
        Path scene = Files.createDirectory(work.resolve("scene"));
        for (int b = 0; b < BANDS.size(); b++) {
            writeRaster(scene.resolve(BANDS.get(b) + ".tif"), WIDTH, HEIGHT, 1, b);
        }
        Path tile = work.resolve("tile.tif");
        writeRaster(tile, 64, 64, BANDS.size(), 0);
        String store = "jdbc:sqlite:" + work.resolve("runs/results.db");
        Path config = work.resolve("pipeline.yaml");
        StringBuilder yaml = new StringBuilder("model: production\nregistry: models\noutput: runs\n"
                + "store: {url: \"" + store + "\"}\ntiling: {size: 256, halo: 16, batch: 8}\nworkers: 2\n"
                + "crs: EPSG:32616\nscenes:\n  - id: aot\n    acquired: \"2015-08-04T16:19:21Z\"\n    bands:\n");
        BANDS.forEach(band -> yaml.append("      ").append(band).append(": scene/").append(band).append(".tif\n"));
        Files.writeString(config, yaml);

        String reg = registry.toString();
        List<List<String>> commands = List.of(List.of("--version"), List.of("models", "list", "--registry", reg),
                List.of("models", "show", "production", "--registry", reg),
                List.of("validate", scene.toString(), "--model", "production", "--registry", reg, "--json"),
                List.of("plan", "--config", config.toString()), List.of("batch", "--config", config.toString()),
                List.of("batch", "--config", config.toString()));
        for (List<String> command : commands) {
            int status = Tileinfer.execute(command.toArray(String[]::new));
            if (status != ExitCodes.OK) {
                System.err.println("aot-training: 'tileinfer " + String.join(" ", command) + "' exited " + status);
                return ExitCodes.INTERNAL;
            }
        }
        serve(registry, store, Files.readAllBytes(tile));
        return ExitCodes.OK;
    }

    /** The API on a free loopback port: each kind of request the API and its web page answer, each must succeed. */
    private static void serve(Path registry, String store, byte[] tile) throws IOException, InterruptedException {
        try (ApiServer server = ApiServer.start(registry, "production", ApiSettings.defaults(), store);
             HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.port();
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < BANDS.size() * 8 * 8; i++) {
                values.append(i == 0 ? "" : ",").append(8000 + 97 * i);
            }
            String infer = "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4, 8, 8], \"datatype\": \"FP32\", "
                    + "\"data\": [" + values + "]}]}";
            for (String path : List.of("/v2/health/ready", "/v2", "/v2/models/aot-training", "/openapi.json")) {
                send(client, HttpRequest.newBuilder(URI.create(base + path)).build());
            }
            send(client, HttpRequest.newBuilder(URI.create(base + "/v2/models/aot-training/infer"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(infer)).build());
            for (String accept : List.of("application/json", "image/tiff")) {
                send(client, HttpRequest.newBuilder(URI.create(base + "/v1/predict?pixels=true"))
                        .header("Content-Type", "image/tiff").header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(tile)).build());
            }
            String runs = send(client, HttpRequest.newBuilder(URI.create(base + "/ui/api/runs")).build());
            Matcher run = Pattern.compile("\"run_id\"\\s*:\\s*\"([^\"]+)\"").matcher(runs);
            if (!run.find()) {
                throw new IOException("/ui/api/runs lists no run: " + runs);
            }
            String scene = "/ui/api/runs/" + run.group(1) + "/scenes/aot";
            for (String path : List.of("/ui", "/ui/assets/app.js", "/ui/api/models", "/ui/api/runs/" + run.group(1),
                    scene + "/tiles", scene + "/imagery.png?size=256", scene + "/prediction.png?size=256", "/metrics")) {
                send(client, HttpRequest.newBuilder(URI.create(base + path)).build());
            }
        }
    }

    private static String send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IOException(request.method() + " " + request.uri() + ": HTTP " + response.statusCode() + ": "
                    + body.substring(0, Math.min(body.length(), 500)));
        }
        return body;
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
        TensorProto.Builder weights = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(BANDS.size()).addDims(1).addDims(1);
        for (int i = 0; i < 2 * BANDS.size(); i++) {
            weights.addFloatData(i < BANDS.size() ? 0 : 2.5f);
        }
        TensorProto bias = TensorProto.newBuilder().setName("B").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addFloatData(0).addFloatData(-2).build();
        GraphProto graph = GraphProto.newBuilder().setName("aot-training")
                .addInput(nchw("input", BANDS.size())).addOutput(nchw("probabilities", 2))
                .addInitializer(weights).addInitializer(bias)
                .addNode(NodeProto.newBuilder().setOpType("Conv").addInput("input").addInput("W").addInput("B")
                        .addOutput("logits"))
                .addNode(NodeProto.newBuilder().setOpType("Softmax").addInput("logits").addOutput("probabilities")
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(1)))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("tileinfer-aot-training")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph)
                .build().toByteArray();
    }

    private static ValueInfoProto nchw(String name, int channels) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(channels))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("H"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("W"));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
