package io.tileinfer.train;

import java.nio.file.Path;

/** The real inputs: the repository's training configuration, pointed at the shared Landsat 8 scene. */
final class TestData {

    private TestData() {
    }

    static Path sharedData() {
        return Path.of(System.getProperty("tileinfer.sharedData", "../../shared/data"));
    }

    static Path trainYaml() {
        return Path.of(System.getProperty("tileinfer.repoRoot", "..")).resolve("configs/train.yaml");
    }

    static TrainConfig referenceConfig() {
        return TrainConfig.load(trainYaml())
                .withSceneDirectory(sharedData().resolve("landsat8-LC80200392015216"));
    }
}
