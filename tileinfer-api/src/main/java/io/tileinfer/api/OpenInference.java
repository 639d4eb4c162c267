package io.tileinfer.api;

import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.run.Version;
import io.tileinfer.core.tile.TileData;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.ClassSpec;
import io.tileinfer.model.InputScaling;
import io.tileinfer.model.ModelCard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol v2 (KServe / Triton REST) endpoints. The model has one input, {@value #INPUT}: raw band
 * values {@code [N, C, H, W]} in the card's band order (the card's scaling is applied here, as in batch), and two
 * outputs: {@value #PROBABILITIES} {@code [N, K, H, W]} (FP32) and {@value #CLASS_MAP} {@code [N, H, W]} (UINT8, the
 * class index, as band 1 of batch's prediction rasters).
 */
final class OpenInference {

    static final String INPUT = "input";
    static final String PROBABILITIES = "probabilities";
    static final String CLASS_MAP = "class_map";
    private static final List<String> OUTPUTS = List.of(CLASS_MAP, PROBABILITIES);

    private final ApiContext context;

    OpenInference(ApiContext context) {
        this.context = context;
    }

    Reply live(Call call) {
        return Reply.ok(fields("live", true));
    }

    /** 200 while serving; 503 while starting or draining, so that load balancers take the replica out. */
    Reply ready(Call call) {
        boolean ready = context.readiness().ready();
        return Reply.json(ready ? 200 : 503, fields("ready", ready));
    }

    Reply server(Call call) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "tileinfer");
        fields.put("version", Version.tileinfer());
        fields.put("extensions", List.of());
        return Reply.ok(fields);
    }

    Reply metadata(Call call) {
        requireModel(call);
        ModelCard card = context.served().card();
        List<Long> inputShape = card.inputShape();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", context.served().name());
        fields.put("versions", List.of(context.served().id()));
        fields.put("platform", "onnxruntime_onnx");
        fields.put("inputs", List.of(tensor(INPUT, TensorDatatype.ofStac(card.inputDataType()).name(), inputShape)));
        fields.put("outputs", List.of(
                tensor(CLASS_MAP, "UINT8", List.of(-1L, inputShape.get(2), inputShape.get(3))),
                tensor(PROBABILITIES, "FP32",
                        List.of(-1L, (long) card.classCount(), inputShape.get(2), inputShape.get(3)))));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("bands", card.bands().stream().map(OpenInference::band).toList());
        parameters.put("classes", card.classes().stream().map(OpenInference::classEntry).toList());
        parameters.put("class_map_nodata", TilePrediction.NODATA);
        parameters.put("tile_size", card.tileSize());
        parameters.put("max_tile_side", context.settings().maxTileSide());
        parameters.put("onnx_sha256", context.served().version().onnxSha256());
        parameters.put("requested_as", context.served().requestedAs());
        fields.put("parameters", parameters);
        return Reply.ok(fields);
    }

    Reply modelReady(Call call) {
        requireModel(call);
        boolean ready = context.readiness().ready();
        Map<String, Object> fields = fields("name", context.served().name());
        fields.put("ready", ready);
        return Reply.json(ready ? 200 : 503, fields);
    }

    Reply infer(Call call) {
        requireModel(call);
        Accept accept = call.accept();
        if (!accept.admitsJson()) {
            throw accept.notAcceptable("application/json (the inference response)");
        }
        if (!call.mediaType().isEmpty() && !call.mediaType().equals(Reply.JSON)) {
            throw new ApiException(415, "unsupported_media_type", "Content-Type " + call.mediaType()
                    + " is not accepted here, expected application/json (an inference request)");
        }
        byte[] body = call.body(); // read here: a slow client must not hold a thread of the pool
        // Parsing, checking, the model and the response's JSON are CPU work, tens of MB for a large batch: on the
        // pool's platform threads, so that a few such requests never hold every carrier of the virtual threads,
        // which health checks and metrics need.
        Answer answer = context.pool().run(() -> answer(call, InferRequestParser.parse(body)), call.deadlineNanos(),
                "inference did not finish within the request timeout");
        call.inputSha256(answer.inputSha256());
        return Reply.bytes(200, Reply.JSON, answer.json());
    }

    /** The response's JSON, with the request id and model version every reply has, and the tiles' input hashes. */
    private record Answer(byte[] json, String inputSha256) {
    }

    private Answer answer(Call call, InferRequest request) {
        for (String output : request.outputs()) {
            if (!OUTPUTS.contains(output)) {
                throw ApiException.badRequest("outputs: the model has no output \"" + output + "\", expected one of "
                        + OUTPUTS);
            }
        }
        InferRequest.Tensor input = request.input();
        TensorShape shape = TensorShape.check(input, context);
        requireModelValues(input);
        InputScaling scaling = scaling(request.sunElevation());
        List<TileInference.Result> results = new ArrayList<>();
        for (TileData tile : TensorTiles.cut(input.data().floats(), shape.n(), shape.bands(), shape.height(),
                shape.width(), shape.size(), context.served().card().bands().stream().map(BandSpec::nodata)
                .toArray(Double[]::new))) {
            results.add(context.inference().infer(tile, shape.size(), scaling));
        }
        return new Answer(Exchange.jsonBody(response(call, request, shape, results), context.served().id(),
                call.requestId()), String.join(",", hashes(results)));
    }

    /** The card's scaling for the request's tiles: 422 when the model needs their sun elevation and none is given. */
    private InputScaling scaling(Double sunElevation) {
        if (sunElevation == null && context.served().model().needsSunElevation()) {
            throw ApiException.unprocessable("parameters.sun_elevation: missing, expected the sun's elevation at the "
                    + "tiles in degrees: the model divides bands " + InputScaling.correctedBands(
                    context.served().card().bands()) + " by its sine (top-of-atmosphere reflectance corrected for "
                    + "the sun angle)");
        }
        return context.served().model().scaling(sunElevation);
    }

    /**
     * 422 for a value the model's input type cannot hold, whatever the tensor's datatype: batch never gives the model
     * such a value (a float32 GeoTIFF for a uint16 model is refused), and the model's answer to one is meaningless.
     */
    private void requireModelValues(InferRequest.Tensor input) {
        String stacType = context.served().card().inputDataType();
        TensorDatatype modelType = TensorDatatype.ofStac(stacType);
        input.data().firstNotFiniteIn(modelType).ifPresent(offence -> {
            throw ApiException.unprocessable("inputs[0].data[" + offence.index() + "]: found "
                    + TensorDatatype.format(offence.value()) + ", expected " + modelType.finiteValues()
                    + ": the model takes " + stacType + " band values (its card's data type)");
        });
    }

    private Map<String, Object> response(Call call, InferRequest request, TensorShape shape,
                                         List<TileInference.Result> results) {
        List<String> wanted = request.outputs().isEmpty() ? OUTPUTS : request.outputs();
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (String name : wanted) {
            if (name.equals(CLASS_MAP)) {
                outputs.add(output(CLASS_MAP, "UINT8", List.of((long) shape.n(), (long) shape.height(),
                        (long) shape.width()), classMaps(results, shape)));
            } else {
                outputs.add(output(PROBABILITIES, "FP32", List.of((long) shape.n(),
                        (long) context.served().model().classCount(), (long) shape.height(), (long) shape.width()),
                        probabilities(results, shape)));
            }
        }
        List<ClassSpec> classes = context.served().card().classes();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("input_sha256", hashes(results));
        parameters.put("class_fractions", results.stream().map(r -> r.classFractions(classes)).toList());
        if (context.served().model().needsSunElevation()) { // what the corrected bands were divided by
            parameters.put("sun_elevation", request.sunElevation());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model_name", context.served().name());
        fields.put("model_version", context.served().id());
        fields.put("id", request.id() != null ? request.id() : call.requestId());
        fields.put("parameters", parameters);
        fields.put("outputs", outputs);
        return fields;
    }

    private static int[] classMaps(List<TileInference.Result> results, TensorShape shape) {
        int plane = shape.height() * shape.width();
        int[] values = new int[results.size() * plane];
        for (int t = 0; t < results.size(); t++) {
            byte[] classMap = results.get(t).prediction().bands()[0];
            for (int p = 0; p < plane; p++) {
                values[t * plane + p] = Byte.toUnsignedInt(classMap[p]);
            }
        }
        return values;
    }

    /**
     * The model's probabilities cropped from each padded tile back to {@code H x W}; 0 in every class where the class
     * map says nodata (a band at the card's nodata), as there is no prediction there (JSON has no NaN), and for a
     * tile of nodata alone, which the model never saw.
     */
    private float[] probabilities(List<TileInference.Result> results, TensorShape shape) {
        int classes = context.served().model().classCount();
        int size = shape.size();
        int h = shape.height();
        int w = shape.width();
        float[] values = new float[results.size() * classes * h * w];
        int index = 0;
        for (TileInference.Result result : results) {
            float[] predicted = result.probabilities();
            boolean[] valid = result.input().valid();
            for (int k = 0; k < classes; k++) {
                for (int row = 0; row < h; row++) {
                    for (int column = 0; column < w; column++, index++) {
                        int pixel = row * size + column;
                        values[index] = predicted == null || !valid[pixel] ? 0 : predicted[k * size * size + pixel];
                    }
                }
            }
        }
        return values;
    }

    private static List<String> hashes(List<TileInference.Result> results) {
        return results.stream().map(r -> r.input().inputSha256()).toList();
    }

    private void requireModel(Call call) {
        String name = call.pathParameter("name");
        if (!name.equals(context.served().name())) {
            throw ApiException.notFound("unknown model \"" + name + "\": this server serves \""
                    + context.served().name() + "\" (version " + context.served().id() + ")");
        }
        String version = call.pathParameterOrNull("version");
        if (version != null && !version.equals(context.served().id())
                && !version.equals(context.served().requestedAs())) {
            throw ApiException.notFound("unknown version \"" + version + "\" of model \"" + name
                    + "\": this server serves version " + context.served().id());
        }
    }

    private static Map<String, Object> fields(String key, Object value) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(key, value);
        return fields;
    }

    private static Map<String, Object> tensor(String name, String datatype, List<Long> shape) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("datatype", datatype);
        fields.put("shape", shape);
        return fields;
    }

    private static Map<String, Object> output(String name, String datatype, List<Long> shape, Object data) {
        Map<String, Object> fields = tensor(name, datatype, shape);
        fields.put("data", data);
        return fields;
    }

    private static Map<String, Object> band(BandSpec band) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", band.name());
        fields.put("common_name", band.commonName());
        fields.put("scale", band.scale());
        fields.put("offset", band.offset());
        fields.put("nodata", band.nodata());
        fields.put("sun_angle_corrected", band.sunAngleCorrected()); // then divided by sin(sun elevation)
        return fields;
    }

    /** A class as the API's JSON shows it, in the model metadata and on the web page: value, name, colour. */
    static Map<String, Object> classEntry(ClassSpec spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("value", spec.value());
        fields.put("name", spec.name());
        fields.put("color", spec.color());
        return fields;
    }
}
