package io.tileinfer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tileinfer.core.ExitCodes;
import io.tileinfer.core.config.ConfigLoader;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.scene.Expectations;
import io.tileinfer.core.scene.Scene;
import io.tileinfer.core.scene.SceneBand;
import io.tileinfer.core.scene.SceneInspector;
import io.tileinfer.core.scene.SceneInspector.Inspection;
import io.tileinfer.model.ModelCard;
import io.tileinfer.model.ModelRegistry;
import io.tileinfer.raster.Crs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code tileinfer validate}: the validation report of scenes, without running a model. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check scenes (GeoTIFFs, STAC Items, or directories of single-band GeoTIFFs) and report "
                + "every problem with the file, the check, what was found and what was expected.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "SCENE", description = "GeoTIFF/COG, STAC Item JSON or directory.")
    List<String> scenes;

    @Option(names = "--model", description = "Also check the bands and data type that this model (version or "
            + "alias) expects.")
    String model;

    @Option(names = "--registry", defaultValue = "models", description = "The model registry (default: ${DEFAULT-VALUE}).")
    Path registry;

    @Option(names = "--crs", converter = CrsOption.class, description = "Require this CRS, e.g. EPSG:32616.")
    Crs crs;

    @Option(names = "--skip", paramLabel = "CHECK", converter = SkippableCheck.class,
            description = "Do not run this check, as a configuration's checks.skip does (repeatable): integrity (to "
                    + "salvage the readable part of a damaged file), acquisition-time.")
    List<String> skip = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Expectations expect = expectations();
        List<Inspection> inspections = new ArrayList<>();
        for (SceneSpec spec : SceneArguments.specs(scenes)) {
            inspections.add(SceneInspector.inspect(spec, expect));
        }
        if (json) {
            printJson(inspections);
        } else {
            inspections.forEach(ValidateCommand::printText);
        }
        return inspections.stream().allMatch(Inspection::valid) ? ExitCodes.OK : ExitCodes.INVALID;
    }

    private Expectations expectations() {
        Set<String> skipChecks = Set.copyOf(skip);
        if (model == null) {
            return new Expectations(null, null, crs, skipChecks);
        }
        ModelCard card = ModelRegistry.open(registry).resolve(model).card();
        return Expectations.forModel(card, crs, skipChecks);
    }

    /** A {@code --skip} value: a check that a configuration's {@code checks.skip} may name, else a usage error. */
    static final class SkippableCheck implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!ConfigLoader.SKIPPABLE_CHECKS.contains(value)) {
                throw new CommandLine.TypeConversionException(value + " is not a check that can be skipped, expected "
                        + "one of " + String.join(", ", new TreeSet<>(ConfigLoader.SKIPPABLE_CHECKS))
                        + " (as a configuration's checks.skip names them)");
            }
            return value;
        }
    }

    /** "acquired 2015-08-04T16:19:21.790Z" (or a range); a scene whose acquisition-time check was skipped may have
     *  no time. */
    private static String acquisition(Scene scene) {
        String sun = scene.sunElevation() == null ? "" : String.format(Locale.ROOT, ", sun elevation %.2f°",
                scene.sunElevation());
        return (scene.acquired() == null ? "at an unknown time (acquisition-time not checked)"
                : "acquired " + scene.acquisition()) + sun;
    }

    /** "uint16", or each type with its count when the bands differ ("uint16 ×9, float32 ×1"). */
    private static String dataTypes(Scene scene) {
        Map<String, Long> counts = scene.bands().stream().collect(Collectors.groupingBy(
                b -> b.dataType().stacName(), LinkedHashMap::new, Collectors.counting()));
        return counts.size() == 1 ? counts.keySet().iterator().next() : counts.entrySet().stream()
                .map(e -> e.getKey() + " \u00d7" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static void printText(Inspection inspection) {
        if (inspection.valid()) {
            Scene s = inspection.scene();
            System.out.printf("OK    %s: %dx%d pixels, %d bands (%s), %s, %s%n", inspection.source(),
                    s.width(), s.height(), s.bands().size(), dataTypes(s), s.crs().label(), acquisition(s));
            if (s.locations().size() == 1 && !inFileOrder(s.bands())) {
                // a file whose descriptions (or band_names) name the model's bands in another order
                System.out.printf("      bands read by name: %s%n", s.bands().stream()
                        .map(b -> b.name() + " = band " + b.index()).collect(Collectors.joining(", ")));
            }
        } else {
            System.out.printf("FAIL  %s%n", inspection.source());
            inspection.issues().forEach(issue -> System.out.printf("      %s%n", issue.message()));
        }
    }

    /** Whether a file's bands are read as bands 1, 2, 3... of the file. */
    private static boolean inFileOrder(List<SceneBand> bands) {
        for (int i = 0; i < bands.size(); i++) {
            if (bands.get(i).index() != i + 1) {
                return false;
            }
        }
        return true;
    }

    private static void printJson(List<Inspection> inspections) throws Exception {
        List<Map<String, Object>> report = new ArrayList<>();
        for (Inspection inspection : inspections) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("scene", inspection.sceneId());
            entry.put("source", inspection.source());
            entry.put("valid", inspection.valid());
            entry.put("issues", inspection.issues());
            Scene s = inspection.scene();
            if (s != null) {
                entry.put("width", s.width());
                entry.put("height", s.height());
                entry.put("bands", s.bandNames());
                entry.put("crs", s.crs().label());
                entry.put("acquired", s.acquired() == null ? null : s.acquired().toString());
                if (s.acquiredUntil() != null) {
                    entry.put("acquired_until", s.acquiredUntil().toString());
                }
                if (s.sun() != null) { // only for a model whose bands are corrected for the sun angle
                    entry.put("sun_elevation", s.sun().degrees());
                    entry.put("sun_elevation_source", s.sun().source());
                }
            }
            report.add(entry);
        }
        System.out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }
}
