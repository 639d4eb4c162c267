package io.tileinfer.api;

import io.helidon.common.media.type.MediaType;
import io.helidon.common.media.type.MediaTypes;
import io.tileinfer.core.output.TilePrediction;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.model.InputScaling;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.Window;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/predict}: a GeoTIFF tile in, its class fractions out (JSON), with the class map on request
 * ({@code ?pixels=true}), or the prediction as a GeoTIFF on the input's grid ({@code Accept: image/tiff}).
 */
final class PredictEndpoint implements Endpoint {

    private static final MediaType TIFF = MediaTypes.create(Upload.TIFF);
    /** A decimal number (an exponent allowed): Double.parseDouble alone also takes "45d", "0x1.6p5" and " 45 ". */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final ApiContext context;
    private final GeoTiffPredictor predictor;

    PredictEndpoint(ApiContext context) {
        this.context = context;
        this.predictor = new GeoTiffPredictor(context);
    }

    @Override
    public Reply handle(Call call) {
        boolean geoTiff = wantsGeoTiff(call.accept());
        boolean pixels = booleanQuery(call, "pixels");
        Double sunElevation = sunElevation(call);
        Upload upload = Upload.read(call);
        GeoTiffPredictor.Outcome outcome = context.pool().run(() -> predictor.predict(upload, geoTiff, sunElevation),
                call.deadlineNanos(), upload.fileName() + ": the prediction did not finish within the request timeout");
        String inputSha256 = outcome.result().input().inputSha256();
        call.inputSha256(inputSha256);
        if (geoTiff) {
            Reply tiff = Reply.bytes(200, Upload.TIFF, outcome.geoTiff()).withHeader("X-Input-Sha256", inputSha256);
            Double sun = outcome.scene().sunElevation();
            return sun == null ? tiff : tiff.withHeader("X-Sun-Elevation", String.valueOf(sun)); // as JSON says it
        }
        return Reply.ok(summary(upload, outcome, pixels));
    }

    private Map<String, Object> summary(Upload upload, GeoTiffPredictor.Outcome outcome, boolean pixels) {
        Scene scene = outcome.scene();
        TilePrediction prediction = outcome.result().prediction();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model_name", context.served().name());
        fields.put("model_version", context.served().id());
        fields.put("input_sha256", outcome.result().input().inputSha256());
        fields.put("file_sha256", upload.sha256());
        fields.put("width", scene.width());
        fields.put("height", scene.height());
        fields.put("crs", scene.crs().label());
        GeoTransform transform = scene.transform();
        fields.put("bounds", transform.bounds(new Window(0, 0, scene.width(), scene.height())));
        fields.put("valid_pixels", prediction.validPixels());
        fields.put("class_fractions", outcome.result().classFractions(context.served().card().classes()));
        if (scene.sunElevation() != null) { // only for a model whose bands are corrected for the sun angle
            fields.put("sun_elevation", scene.sunElevation());
        }
        if (pixels) {
            fields.put("class_map", rows(prediction.bands()[0], scene.width(), scene.height()));
        }
        return fields;
    }

    private static int[][] rows(byte[] classMap, int width, int height) {
        int[][] rows = new int[height][width];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                rows[row][col] = Byte.toUnsignedInt(classMap[row * width + col]);
            }
        }
        return rows;
    }

    /** {@code ?sun_elevation=<degrees>}, for a model with sun-angle-corrected bands; null when not given. */
    private static Double sunElevation(Call call) {
        String value = call.query("sun_elevation").orElse(null);
        if (value == null) {
            return null;
        }
        if (DECIMAL.matcher(value).matches()) {
            double degrees = Double.parseDouble(value);
            if (InputScaling.correctable(degrees)) {
                return degrees;
            }
        }
        throw ApiException.badRequest("query parameter sun_elevation: found \"" + value + "\", expected the sun's "
                + "elevation at the tile in " + InputScaling.SUN_ELEVATIONS);
    }

    /** The type the client prefers (its q), JSON when both are as welcome, as for anything or no Accept header. */
    private static boolean wantsGeoTiff(Accept accept) {
        double json = accept.jsonQuality();
        double tiff = accept.quality(TIFF);
        if (json == 0 && tiff == 0) {
            throw accept.notAcceptable("application/json (class fractions) or image/tiff (the prediction as a "
                    + "GeoTIFF)");
        }
        return tiff > json;
    }

    private static boolean booleanQuery(Call call, String name) {
        String value = call.query(name).orElse("false");
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("query parameter " + name + ": found \"" + value
                    + "\", expected true or false");
        };
    }
}
