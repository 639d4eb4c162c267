package io.tileinfer.core.scene;

import io.tileinfer.core.config.Locations;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.model.BandSpec;
import io.tileinfer.model.InputScaling;
import io.tileinfer.raster.BandInfo;
import io.tileinfer.raster.Crs;
import io.tileinfer.raster.Gdal;
import io.tileinfer.raster.GeoTransform;
import io.tileinfer.raster.RasterException;
import io.tileinfer.raster.RasterInfo;
import io.tileinfer.raster.RasterReader;
import io.tileinfer.raster.RemoteAccessException;
import io.tileinfer.raster.RemoteFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Opens a declared scene's files and checks them: readable and intact, georeferenced, one CRS and one pixel
 * grid across bands, the bands and data type the model expects, an acquisition time. Reads metadata only.
 */
public final class SceneInspector {

    /** The verdict on one scene: a {@link Scene} when there are no issues. */
    /** @param stacItemSha256 the SHA-256 of a STAC scene's item as read, for the manifest; null for other scenes */
    public record Inspection(String sceneId, String source, Scene scene, List<ValidationIssue> issues,
                             String stacItemSha256) {
        public boolean valid() {
            return issues.isEmpty();
        }
    }

    /** A band the scene declares, before the files are matched against the model. */
    private record DeclaredBand(String name, List<String> aliases, String location, int index) {
    }

    private record FileType(String file, String type) {
    }

    /**
     * The check of a file the network did not deliver (timed out, host unreachable, transfer cut): unlike "readable",
     * the same scene may pass later, so a scheduler retries it rather than rejecting it.
     */
    public static final String REACHABLE = "reachable";

    private final SceneSpec spec;
    private final Expectations expect;
    private final List<ValidationIssue> issues = new ArrayList<>();
    private final Map<String, RasterInfo> infos = new LinkedHashMap<>();
    private StacItem item; // a STAC scene's, once read
    private List<AcquisitionTimes.Mtl> mtls; // the Landsat MTL.txt files beside a local scene's first file, once read

    private static final Logger LOG = LoggerFactory.getLogger(SceneInspector.class);

    private SceneInspector(SceneSpec spec, Expectations expect) {
        this.spec = spec;
        this.expect = expect;
    }

    public static Inspection inspect(SceneSpec spec, Expectations expect) {
        return new SceneInspector(spec, expect).run();
    }

    private Inspection run() {
        Gdal.init();
        if (spec.stacItem() != null) {
            try {
                item = StacItem.read(spec.stacItem());
            } catch (StacItem.Invalid e) {
                issues.add(e.issue());
                return done(null);
            }
            if (item.assets().isEmpty()) {
                return fail(spec.stacItem(), "bands", "no GeoTIFF assets of one band" + (item.composites().isEmpty()
                        ? "" : " (assets " + item.composites() + " declare several bands each: no band sources)"),
                        "per-band GeoTIFF assets");
            }
        }
        List<DeclaredBand> declared = declaredBands(item);
        // Named sources (band files, an item's assets) are matched with the model's bands before anything is opened:
        // a file the model does not use is neither read nor judged. One multi-band file is opened to learn its bands.
        boolean named = spec.file() == null;
        List<DeclaredBand> used = named ? selectModelBands(declared) : declared;
        openAll(used);
        List<DeclaredBand> readable = used.stream().filter(b -> infos.containsKey(b.location())).toList();
        List<DeclaredBand> bands = expandFileBands(readable);
        if (!named) {
            bands = selectModelBands(bands);
        }
        if (bands.isEmpty()) {
            return done(null); // nothing readable, or a file whose band_names do not fit it
        }
        // The other checks go on with the bands that could be read, so that one report says every problem.
        checkGeoreferencing(bands);
        List<SceneBand> described = describe(bands);
        // an unreadable file may be the one that holds the acquisition time
        Instant acquired = readable.size() == used.size() ? acquisitionTime(item, bands) : null;
        if (!issues.isEmpty()) {
            return done(null);
        }
        // a range only as the item gives it: a configuration's `acquired:` is an instant, and wins
        Instant acquiredUntil = spec.acquired() == null && item != null ? item.acquiredUntil() : null;
        RasterInfo first = infos.get(bands.getFirst().location());
        boolean needsSun = expect.modelBands() != null && InputScaling.needsSunElevation(expect.modelBands());
        SunElevation sun = needsSun ? sunElevation(bands.getFirst().location(), first, acquired, acquiredUntil) : null;
        if (!needsSun && spec.sunElevation() != null && expect.modelBands() != null) {
            // a model trained before the correction, say: the user may believe the value is applied
            LOG.warn("scene {}: sun_elevation {} is not used: no band of the model is corrected for the sun angle",
                    spec.id(), spec.sunElevation());
        }
        if (!issues.isEmpty()) {
            return done(null);
        }
        return done(new Scene(spec.id(), first.width(), first.height(), first.transform(), first.crs(), acquired,
                acquiredUntil, described, sun));
    }

    /**
     * The sun's elevation for a model whose bands are corrected for the sun angle: the configuration's
     * {@code sun_elevation}, else the STAC item's {@code view:sun_elevation}, else a Landsat MTL.txt's SUN_ELEVATION
     * beside local files (each the value at the scene's centre), else computed for the acquisition time at the
     * scene's centre ({@link SunElevations}). Null, with an issue, when none is known or the sun was not up.
     */
    private SunElevation sunElevation(String firstLocation, RasterInfo first, Instant acquired, Instant acquiredUntil) {
        String why = " (the model divides bands " + InputScaling.correctedBands(expect.modelBands()) + " by its sine)";
        if (spec.sunElevation() != null) { // checked when the configuration was read
            return new SunElevation(spec.sunElevation(), "the scene's configuration (sun_elevation)");
        }
        if (item != null && item.sunElevationIssue() != null) {
            issues.add(item.sunElevationIssue());
            return null;
        }
        String source;
        double degrees;
        List<AcquisitionTimes.Mtl> mtls = mtls(firstLocation);
        if (item != null && item.sunElevation() != null) {
            source = item.location() + ": properties.view:sun_elevation";
            degrees = item.sunElevation();
        } else if (mtls.size() > 1) { // which is the scene's? Taking one would be a guess
            issues.add(new ValidationIssue(firstLocation, "sun-elevation", severalMtls(mtls), "one, the scene's, or "
                    + "`sun_elevation:` in the scene's configuration" + why));
            return null;
        } else if (mtls.size() == 1 && mtls.getFirst().date() != null && mtls.getFirst().sunElevation().isPresent()) {
            // (one without a day may be another day's: the sun is computed for the scene's time, if known)
            AcquisitionTimes.Mtl mtl = mtls.getFirst();
            String written = mtl.sunElevation().get();
            try {
                degrees = Double.parseDouble(written);
            } catch (NumberFormatException e) {
                issues.add(new ValidationIssue(mtl.path().toString(), "sun-elevation", line("SUN_ELEVATION", written),
                        "a number of degrees" + why));
                return null;
            }
            LocalDate sceneDay = acquired == null ? null : acquired.atZone(ZoneOffset.UTC).toLocalDate();
            if (sceneDay != null && !sceneDay.equals(mtl.date())) { // another scene's, copied along
                issues.add(new ValidationIssue(mtl.path().toString(), "sun-elevation", "DATE_ACQUIRED = "
                        + mtl.date() + ", beside a scene acquired " + acquired, "the scene's own MTL.txt, or "
                        + "`sun_elevation:` in the scene's configuration" + why));
                return null;
            }
            source = "SUN_ELEVATION of " + mtl.path();
        } else if (acquired != null && acquiredUntil == null) {
            try {
                SunElevation computed = SunElevations.at(acquired, first.transform(), first.width(), first.height(),
                        first.crs());
                source = computed.source();
                degrees = computed.degrees();
            } catch (RasterException | IllegalArgumentException e) {
                // GDAL cannot transform the centre, or it is no place on Earth (a latitude of 95° from a broken grid)
                issues.add(new ValidationIssue(firstLocation, "sun-elevation", "none given, and the scene's centre "
                        + "has no longitude and latitude: " + (e instanceof RasterException raster ? raster.problem()
                        : e.getMessage()), "`sun_elevation:` in the scene's configuration" + why));
                return null;
            }
        } else {
            // an MTL.txt without a time of day gets here too: say which has no SUN_ELEVATION, not that there is none
            issues.add(new ValidationIssue(spec.describe(), "sun-elevation", "none: no `sun_elevation:` in the "
                    + "scene's configuration, no view:sun_elevation in a STAC item, " + noMtlElevation(mtls)
                    + ", and " + (acquiredUntil != null ? "an acquisition over a range of time ("
                    + acquired + "/" + acquiredUntil + ")" : "no acquisition time") + " to compute it from",
                    "the sun's elevation at the scene in degrees" + why));
            return null;
        }
        if (!InputScaling.correctable(degrees)) {
            issues.add(new ValidationIssue(spec.describe(), "sun-elevation", number(degrees) + " degrees ("
                    + source + ")", "the sun's elevation at the scene in "
                    + InputScaling.SUN_ELEVATIONS + why));
            return null;
        }
        return new SunElevation(degrees, source);
    }

    /** Opens each file once; a host that did not answer is not asked again for the scene's other files. */
    private void openAll(List<DeclaredBand> bands) {
        Map<String, String> silentHosts = new LinkedHashMap<>(); // host -> the file it did not answer for
        for (String location : bands.stream().map(DeclaredBand::location).distinct().toList()) {
            String host = host(location);
            String failedFirst = host == null ? null : silentHosts.get(host);
            if (failedFirst != null) { // each open would wait for its own timeout: 10 band files, 10 timeouts
                issues.add(new ValidationIssue(location, REACHABLE, "not tried: " + host + " did not answer for "
                        + failedFirst, "a readable GeoTIFF"));
                continue;
            }
            RemoteFailure failure = open(location);
            if (host != null && (failure == RemoteFailure.TIMEOUT || failure == RemoteFailure.UNREACHABLE)) {
                silentHosts.put(host, location);
            }
        }
    }

    private List<DeclaredBand> declaredBands(StacItem item) {
        List<DeclaredBand> bands = new ArrayList<>();
        if (spec.file() != null) {
            bands.add(new DeclaredBand(null, List.of(), spec.file(), 0)); // expanded once the file is open
        } else if (spec.bandFiles() != null) {
            spec.bandFiles().forEach((name, location) -> bands.add(new DeclaredBand(name, List.of(name), location, 1)));
        } else {
            item.assets().values().forEach(asset ->
                    bands.add(new DeclaredBand(asset.key(), asset.aliases(), asset.href(), 1)));
        }
        return bands;
    }

    /** Opens and checks a file; returns why a remote file could not be reached, else null. */
    private RemoteFailure open(String location) {
        try (RasterReader reader = RasterReader.open(location)) {
            infos.put(location, reader.info());
            if (expect.checks("integrity")) {
                reader.checkIntegrity();
            }
        } catch (RasterException e) {
            boolean opened = infos.containsKey(location);
            issues.add(new ValidationIssue(location, opened ? "integrity" : unreadable(e), e.problem(),
                    opened ? "an intact file" : "a readable GeoTIFF"));
            return e instanceof RemoteAccessException remote ? remote.failure() : null;
        }
        return null;
    }

    /** The check a file (or item) that cannot be read fails: {@link #REACHABLE} when it may pass later. */
    static String unreadable(RasterException e) {
        return e instanceof RemoteAccessException remote && remote.failure().mayPassLater() ? REACHABLE : "readable";
    }

    /** The scheme and authority of a remote location (http://host:port, s3://bucket), else null. */
    private static String host(String location) {
        if (!RasterReader.isRemote(location)) {
            return null;
        }
        try {
            URI uri = URI.create(location);
            return uri.getScheme() == null || uri.getRawAuthority() == null ? null
                    : uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }

    /**
     * A multi-band file becomes one declared band per file band, named by {@code band_names}, else by the file's band
     * descriptions when they name every model band ({@link #describedNames}), else not at all (matched by position);
     * single-band sources must be single-band.
     */
    private List<DeclaredBand> expandFileBands(List<DeclaredBand> declared) {
        List<DeclaredBand> bands = new ArrayList<>();
        for (DeclaredBand band : declared) {
            RasterInfo info = infos.get(band.location());
            if (band.index() == 0) {
                List<String> names = spec.bandNames();
                if (names != null && names.size() != info.bandCount()) {
                    issues.add(new ValidationIssue(band.location(), "band-count", info.bandCount()
                            + " bands in the file and " + names.size() + " names in band_names " + names,
                            "one name per band"));
                    continue;
                }
                if (names == null) {
                    names = describedNames(info);
                    if (names == null) {
                        requirePositionsAgreeWithDescriptions(band.location(), info);
                    }
                } else {
                    warnWhereBandNamesContradictDescriptions(band.location(), info, names);
                }
                for (int i = 1; i <= info.bandCount(); i++) {
                    String name = names != null ? names.get(i - 1) : null;
                    bands.add(new DeclaredBand(name, name == null ? List.of() : List.of(name), band.location(), i));
                }
            } else {
                if (info.bandCount() != 1) {
                    issues.add(new ValidationIssue(band.location(), "band-count", info.bandCount() + " bands",
                            "a single-band file for band " + band.name()));
                }
                bands.add(band);
            }
        }
        return bands;
    }

    /**
     * The file's band descriptions when they name every one of the model's bands (by the card's name or common name,
     * as {@link #selectModelBands} matches them), in any order and among other bands: the model's bands are then read
     * by name, so that a file described B11 ... B1 feeds B1 where the model takes B1. Null otherwise, and without a
     * model: the bands match by position.
     */
    private List<String> describedNames(RasterInfo info) {
        if (expect.modelBands() == null) {
            return null;
        }
        List<String> descriptions = descriptions(info);
        boolean namesEvery = expect.modelBands().stream()
                .allMatch(model -> descriptions.stream().anyMatch(d -> answers(model, d)));
        return namesEvery ? descriptions : null;
    }

    /**
     * Bands matched by position whose descriptions name another of the model's bands are an issue: the file's first
     * band described B5, read as the model's B2, would feed the model another band's pixels without a word.
     */
    private void requirePositionsAgreeWithDescriptions(String location, RasterInfo info) {
        List<BandSpec> model = expect.modelBands();
        if (model == null || info.bandCount() != model.size()) {
            return; // no model, or a band count that is an issue of its own
        }
        List<String> descriptions = descriptions(info);
        List<String> misplaced = new ArrayList<>();
        for (int i = 0; i < descriptions.size(); i++) {
            String description = descriptions.get(i);
            BandSpec byPosition = model.get(i);
            if (description != null && !answers(byPosition, description)
                    && model.stream().anyMatch(other -> answers(other, description))) {
                misplaced.add("band " + (i + 1) + " described \"" + description + "\" as " + byPosition.name());
            }
        }
        if (!misplaced.isEmpty()) {
            List<String> said = descriptions.stream().map(d -> d == null ? "(none)" : d).toList();
            issues.add(new ValidationIssue(location, "bands", "band descriptions " + said + " that name "
                    + "only some of the model's bands, at other positions (by position: " + String.join(", ", misplaced)
                    + ")", "descriptions naming all the model's bands " + model.stream().map(BandSpec::name).toList()
                    + " (read by name, in any order), or band_names"));
        }
    }

    /**
     * band_names win over descriptions that name every model band (they are how a file with wrong descriptions is
     * read), but not without a word: a band named B2 whose description names the model's B5 is said in the log.
     */
    private void warnWhereBandNamesContradictDescriptions(String location, RasterInfo info, List<String> names) {
        List<String> described = describedNames(info);
        if (described == null) {
            return;
        }
        List<String> contradicted = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String description = described.get(i);
            String name = names.get(i);
            int band = i + 1;
            expect.modelBands().stream().filter(model -> answers(model, description)).findFirst()
                    .filter(model -> !name.equals(model.name()) && !name.equals(model.commonName()))
                    .ifPresent(model -> contradicted.add("band " + band + " is " + name + " by band_names, "
                            + model.name() + " by its description"));
        }
        if (!contradicted.isEmpty()) {
            LOG.warn("{}: band_names {} contradict the band descriptions, which name every model band ({}); "
                    + "read as band_names say", location, names, String.join("; ", contradicted));
        }
    }

    /** The file's band descriptions in band order, null where a band has none. */
    private static List<String> descriptions(RasterInfo info) {
        return info.bands().stream().map(b -> b.description() == null || b.description().isBlank() ? null
                : b.description()).toList();
    }

    /** Whether a file band's description names this model band: its name, or its common name. */
    private static boolean answers(BandSpec model, String description) {
        return description != null && (description.equals(model.name()) || description.equals(model.commonName()));
    }

    /**
     * The model's bands, in the model's order; unnamed file bands match the model by position. A model band that two
     * sources answer to, or one source that answers to two model bands, is an issue: taking the first would feed the
     * model another band's pixels without a word. When bands are missing, those found are returned.
     */
    private List<DeclaredBand> selectModelBands(List<DeclaredBand> bands) {
        if (expect.modelBands() == null || bands.isEmpty()) {
            return bands;
        }
        List<String> wanted = expect.modelBands().stream().map(BandSpec::name).toList();
        boolean positional = bands.stream().allMatch(b -> b.name() == null);
        if (positional) {
            if (bands.size() != wanted.size()) {
                issues.add(new ValidationIssue(bands.getFirst().location(), "band-count", bands.size() + " bands",
                        wanted.size() + " bands " + wanted + " as the model card lists"));
                return bands;
            }
            List<DeclaredBand> named = new ArrayList<>();
            for (int i = 0; i < bands.size(); i++) {
                DeclaredBand b = bands.get(i);
                named.add(new DeclaredBand(wanted.get(i), List.of(wanted.get(i)), b.location(), b.index()));
            }
            return named;
        }
        List<DeclaredBand> selected = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, String> takenBy = new LinkedHashMap<>(); // a source's file and band -> the model band it is
        for (BandSpec band : expect.modelBands()) {
            String name = band.name();
            // its name first: a common name ("nir08") is only asked for when no band has the name ("B8A")
            List<DeclaredBand> matches = answeringTo(bands, name);
            if (matches.isEmpty() && band.commonName() != null) {
                matches = answeringTo(bands, band.commonName());
            }
            if (matches.isEmpty()) {
                missing.add(name);
                continue;
            }
            if (matches.size() > 1) {
                issues.add(new ValidationIssue(spec.describe(), "bands", "model band " + name + " in "
                        + matches.stream().map(SceneInspector::source).collect(Collectors.joining(" and ")),
                        "one source for each of the model's bands " + wanted));
                continue;
            }
            DeclaredBand match = matches.getFirst();
            String other = takenBy.putIfAbsent(match.location() + "#" + match.index(), name);
            if (other != null) {
                issues.add(new ValidationIssue(spec.describe(), "bands", source(match) + " for both model bands "
                        + other + " and " + name, "one source for each of the model's bands " + wanted));
                continue;
            }
            selected.add(new DeclaredBand(name, match.aliases(), match.location(), match.index()));
        }
        if (!missing.isEmpty()) {
            issues.add(new ValidationIssue(spec.describe(), "bands",
                    "bands " + bands.stream().map(DeclaredBand::name).toList(),
                    "the model's bands " + wanted + " (missing " + missing + ")"));
        }
        return selected;
    }

    private static List<DeclaredBand> answeringTo(List<DeclaredBand> bands, String name) {
        return bands.stream().filter(b -> b.aliases().contains(name)).toList();
    }

    /** A source as a message names it: its declared name and file, and its band when the file has several. */
    private static String source(DeclaredBand band) {
        return band.name() + " (" + band.location() + (band.index() > 1 ? " band " + band.index() : "") + ")";
    }

    private void checkGeoreferencing(List<DeclaredBand> bands) {
        List<String> georeferenced = new ArrayList<>();
        for (String location : bands.stream().map(DeclaredBand::location).distinct().toList()) {
            RasterInfo info = infos.get(location);
            if (info.crs() == null || info.transform() == null) {
                issues.add(new ValidationIssue(location, "crs",
                        info.crs() == null ? "no coordinate reference system" : "no geotransform",
                        "a georeferenced raster (CRS and geotransform)"));
                continue;
            }
            if (expect.crs() != null && !info.crs().sameAs(expect.crs())) {
                issues.add(new ValidationIssue(location, "crs-config", info.crs().label(),
                        expect.crs().label() + " as configured"));
            }
            georeferenced.add(location);
        }
        if (georeferenced.isEmpty()) {
            return;
        }
        String reference = mostShared(georeferenced);
        RasterInfo first = infos.get(reference);
        for (String location : georeferenced) {
            RasterInfo info = infos.get(location);
            if (!info.crs().sameAs(first.crs())) {
                issues.add(new ValidationIssue(location, "crs-consistency", info.crs().label(),
                        first.crs().label() + " like " + reference));
            } else if (!sameGrid(info, first)) {
                issues.add(new ValidationIssue(location, "grid", grid(info), grid(first) + " like " + reference));
            }
        }
        if (first.width() * (long) first.height() == 0) {
            issues.add(new ValidationIssue(reference, "empty", "0 pixels", "a raster with pixels"));
        }
    }

    /**
     * The file whose CRS and grid the most files share (the first of them on a tie), which the others are compared
     * with: in a Sentinel-2 directory with three 60 m bands and six 20 m ones, the 60 m bands are the odd ones out,
     * whichever comes first in band order.
     */
    private String mostShared(List<String> locations) {
        String best = locations.getFirst();
        long bestCount = 0;
        for (String candidate : locations) {
            RasterInfo info = infos.get(candidate);
            long count = locations.stream().map(infos::get)
                    .filter(other -> other.crs().sameAs(info.crs()) && sameGrid(other, info)).count();
            if (count > bestCount) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }

    private List<SceneBand> describe(List<DeclaredBand> bands) {
        List<SceneBand> described = new ArrayList<>();
        Map<FileType, List<Integer>> wrongType = new LinkedHashMap<>(); // a file's bands of one wrong type
        Set<String> nodataOutOfRange = new LinkedHashSet<>(); // a configured nodata no pixel can have: one per type
        for (DeclaredBand band : bands) {
            RasterInfo info = infos.get(band.location());
            if (band.index() > info.bandCount()) {
                continue; // already reported as a band-count issue
            }
            BandInfo file = info.bands().get(band.index() - 1);
            String name = band.name() != null ? band.name() : String.valueOf(band.index());
            if (expect.modelDataType() != null && !file.dataType().stacName().equals(expect.modelDataType())) {
                wrongType.computeIfAbsent(new FileType(band.location(), file.dataType().stacName()),
                        k -> new ArrayList<>()).add(band.index());
            }
            // the scene's own word first; the card's (Landsat Level-1 fill) for files that carry no nodata tag
            Double nodata = spec.nodata() != null ? spec.nodata() : file.nodata() != null ? file.nodata()
                    : cardNodata(name);
            if (spec.nodata() != null && !file.dataType().holds(spec.nodata())
                    && nodataOutOfRange.add(file.dataType().stacName())) {
                // 655350 for 65535 would mask nothing, silently
                issues.add(new ValidationIssue(band.location(), "nodata", number(spec.nodata()) + " (the scene's "
                        + "nodata:), which no " + file.dataType().stacName() + " pixel can have",
                        file.dataType().range()));
            }
            described.add(new SceneBand(name, band.location(), band.index(), file.dataType(), nodata));
        }
        // one issue a file, not one a band: ten lines saying the same would bury the others
        wrongType.forEach((key, indexes) -> issues.add(new ValidationIssue(key.file(), "data-type", key.type()
                + " in band" + (indexes.size() > 1 ? "s " : " ") + indexes.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")), expect.modelDataType() + " as the model card says")));
        return described;
    }

    private Double cardNodata(String band) {
        return expect.modelBands() == null ? null : expect.modelBands().stream().filter(b -> b.name().equals(band))
                .map(BandSpec::nodata).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** A number as an issue shows it: a whole one without a fraction ("30", not "30.0"). */
    public static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.valueOf(value);
    }

    private Instant acquisitionTime(StacItem item, List<DeclaredBand> bands) {
        String firstLocation = bands.getFirst().location();
        if (spec.acquired() != null) {
            return spec.acquired();
        }
        if (item != null && item.timeIssue() != null) { // the item's time is needed, and is none
            if (expect.checks("acquisition-time")) {
                issues.add(item.timeIssue());
            }
            return null;
        }
        if (item != null && item.datetime() != null) {
            return item.datetime();
        }
        Optional<String> tiff = infos.get(firstLocation).tiffDateTime();
        if (tiff.isPresent()) {
            try {
                return AcquisitionTimes.fromTiff(tiff.get());
            } catch (DateTimeParseException e) {
                issues.add(new ValidationIssue(firstLocation, "acquisition-time", "TIFFTAG_DATETIME \""
                        + e.getParsedString() + "\"", "TIFFTAG_DATETIME as YYYY:MM:DD HH:MM:SS"));
                return null;
            }
        }
        List<AcquisitionTimes.Mtl> mtls = mtls(firstLocation);
        // several: which is the scene's? The first by name would be a guess, as it would for the sun elevation
        Optional<AcquisitionTimes.Mtl> mtl = mtls.size() == 1 ? Optional.of(mtls.getFirst()) : Optional.empty();
        Optional<Instant> mtlTime = mtl.flatMap(AcquisitionTimes.Mtl::acquired);
        if (mtlTime.isEmpty() && expect.checks("acquisition-time")) {
            // an item's time is its properties.datetime: the item is what to mend, not its first band file
            issues.add(item != null
                    ? new ValidationIssue(item.location(), "acquisition-time", "no properties.datetime (nor a "
                            + "start_datetime and end_datetime, nor a TIFFTAG_DATETIME in " + firstLocation + ")",
                            "an acquisition time (or `acquired:` in the scene's configuration)")
                    : mtls.size() > 1 ? new ValidationIssue(firstLocation, "acquisition-time", severalMtls(mtls)
                            + " (and no TIFFTAG_DATETIME in it)", "one, the scene's, or `acquired:` in the scene's "
                            + "configuration")
                    : mtl.isPresent() ? mtlTimeIssue(mtl.get(), firstLocation)
                    : new ValidationIssue(firstLocation, "acquisition-time", "none (no TIFFTAG_DATETIME"
                            + (Locations.isLocal(firstLocation) ? " or Landsat MTL.txt beside the file)"
                            : "; an MTL.txt is looked for beside local files only)"),
                            "an acquisition time (or `acquired:` in the scene's configuration)"));
        }
        return mtlTime.orElse(null);
    }

    /** An MTL.txt without a day or a time of day: the MTL.txt is what to mend, and the line to mend or add. */
    private static ValidationIssue mtlTimeIssue(AcquisitionTimes.Mtl mtl, String firstLocation) {
        String noTiff = " (and " + firstLocation + " has no TIFFTAG_DATETIME)";
        if (mtl.date() == null) {
            String written = mtl.dateAcquired();
            return new ValidationIssue(mtl.path().toString(), "acquisition-time", line("DATE_ACQUIRED", written)
                    + (written.isEmpty() ? "" : ", which is no date") + noTiff, "a DATE_ACQUIRED line with the "
                    + "scene's day in UTC, such as DATE_ACQUIRED = 2015-08-04, or `acquired:` in the scene's "
                    + "configuration");
        }
        String time = mtl.sceneCenterTime().map(written -> "and " + line("SCENE_CENTER_TIME", written)
                + (written.isEmpty() ? "" : ", which is no time of day")).orElse("but no SCENE_CENTER_TIME");
        return new ValidationIssue(mtl.path().toString(), "acquisition-time", "DATE_ACQUIRED = " + mtl.date() + " "
                + time + noTiff, "a SCENE_CENTER_TIME line with the scene's time of day in UTC, such as "
                + "SCENE_CENTER_TIME = \"16:19:21.7917421Z\", or `acquired:` in the scene's configuration");
    }

    /** Why the one MTL.txt (or none) beside a scene gave no sun elevation, as the sun-elevation issue says it. */
    private static String noMtlElevation(List<AcquisitionTimes.Mtl> mtls) {
        if (mtls.isEmpty()) {
            return "no Landsat MTL.txt beside local files";
        }
        AcquisitionTimes.Mtl mtl = mtls.getFirst();
        return mtl.date() == null
                ? "no SUN_ELEVATION of a known day in " + mtl.path() + " (" + line("DATE_ACQUIRED", mtl.dateAcquired())
                + ")" : "no SUN_ELEVATION in " + mtl.path();
    }

    /** An MTL.txt's line as an issue shows it: "SUN_ELEVATION = x", or "SUN_ELEVATION with no value". */
    private static String line(String field, String written) {
        return written.isEmpty() ? field + " with no value" : field + " = " + written;
    }

    /** Several MTL.txt files beside a scene's first file, as the issues of its time and its sun name them. */
    private static String severalMtls(List<AcquisitionTimes.Mtl> mtls) {
        return mtls.size() + " Landsat MTL.txt files beside it " + mtls.stream()
                .map(m -> m.path().getFileName().toString()).toList();
    }

    /** The Landsat MTL.txt files beside a local file (none beside a URL), read once for the time and the sun. */
    private List<AcquisitionTimes.Mtl> mtls(String firstLocation) {
        if (mtls == null) {
            mtls = Locations.isLocal(firstLocation) ? AcquisitionTimes.landsatMtls(firstLocation) : List.of();
        }
        return mtls;
    }

    private Inspection fail(String file, String check, String found, String expected) {
        issues.add(new ValidationIssue(file, check, found, expected));
        return done(null);
    }

    private Inspection done(Scene scene) {
        return new Inspection(spec.id(), spec.describe(), scene, List.copyOf(issues),
                item == null ? null : item.sha256());
    }

    private static boolean sameGrid(RasterInfo a, RasterInfo b) {
        return a.width() == b.width() && a.height() == b.height() && a.transform().equals(b.transform());
    }

    private static String grid(RasterInfo info) {
        GeoTransform t = info.transform();
        return info.width() + "x" + info.height() + " pixels of " + number(t.pixelWidth()) + "x"
                + number(-t.pixelHeight()) + " at origin (" + number(t.originX()) + ", " + number(t.originY()) + ")";
    }
}
