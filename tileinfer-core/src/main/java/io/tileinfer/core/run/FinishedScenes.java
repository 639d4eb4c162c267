package io.tileinfer.core.run;

import io.tileinfer.core.Hashing;
import io.tileinfer.core.config.SceneSpec;
import io.tileinfer.core.store.SceneResult;
import io.tileinfer.core.store.SceneStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scenes an earlier attempt of the run finished, as both its store and its manifest record them. A scene is kept
 * (not inspected, validated nor computed again) when the store says DONE and the manifest lists it DONE with its
 * raster, quicklook and STAC Item still on disk with the SHA-256 the manifest gives: so an input unreadable at the
 * rerun cannot turn a finished scene into a failed one. A scene DONE in the store but without such a manifest entry
 * (killed before the manifest, a file removed or changed since) is done again as a resume would.
 */
final class FinishedScenes {
    private static final Logger LOG = LoggerFactory.getLogger(FinishedScenes.class);
    private final Path runDir;
    private final Manifest manifest;
    private final Map<String, SceneResult> recorded;

    private FinishedScenes(Path runDir, Manifest manifest, Map<String, SceneResult> recorded) {
        this.runDir = runDir;
        this.manifest = manifest;
        this.recorded = recorded;
    }

    /** What {@code runDir}'s manifest (if any, and readable) and the store's scene rows say. */
    static FinishedScenes read(Path runDir, List<SceneResult> scenes) {
        Path file = runDir.resolve(Manifest.FILE);
        Manifest manifest = null;
        if (Files.isRegularFile(file)) {
            try {
                manifest = Manifest.read(file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: cannot read the earlier attempt's manifest, its scenes are done again: {}", file,
                        e.getMessage());
            }
        }
        Map<String, SceneResult> byId = new HashMap<>();
        scenes.forEach(s -> byId.put(s.sceneId(), s));
        return new FinishedScenes(runDir, manifest, byId);
    }

    /** The earlier manifest, when there is one. */
    Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** The scenes of {@code scenes} kept as they are, by id, with their entries of the earlier manifest. */
    Map<String, Manifest.SceneEntry> kept(List<SceneSpec> scenes) throws IOException {
        Map<String, Manifest.SceneEntry> kept = new HashMap<>();
        for (SceneSpec spec : scenes) {
            kept(spec.id()).ifPresent(entry -> kept.put(spec.id(), entry));
        }
        return kept;
    }

    /** What a run says of each scene it keeps, whether it does something else or nothing. */
    static void logKept(String sceneId) {
        LOG.info("scene {} already done, kept", sceneId);
    }

    /** The scene's entry of the earlier manifest if the scene is kept as it is; else empty (it is done again). */
    private Optional<Manifest.SceneEntry> kept(String sceneId) throws IOException {
        SceneResult row = recorded.get(sceneId);
        if (row == null || row.status() != SceneStatus.DONE || manifest == null) {
            return Optional.empty();
        }
        Manifest.SceneEntry entry = manifest.scenes().stream().filter(s -> s.id().equals(sceneId)).findFirst()
                .orElse(null);
        if (entry == null || !SceneStatus.DONE.name().equals(entry.status()) || entry.output() == null
                || !entry.output().sha256().equals(row.outputSha256())) {
            return Optional.empty();
        }
        List<Manifest.FileEntry> files = Stream.of(entry.output(), entry.quicklook(), entry.stacItem())
                .filter(f -> f != null).toList();
        for (Manifest.FileEntry f : files) {
            Path path = runDir.resolve(f.path());
            String found = Files.isRegularFile(path) ? Hashing.sha256(path) : null;
            if (!f.sha256().equals(found)) {
                LOG.warn("scene {} was done, but {} {}, expected SHA-256 {} as the manifest lists it: the scene is "
                        + "done again", sceneId, path, found == null ? "is missing" : "has SHA-256 " + found,
                        f.sha256());
                return Optional.empty();
            }
        }
        return Optional.of(entry);
    }
}
