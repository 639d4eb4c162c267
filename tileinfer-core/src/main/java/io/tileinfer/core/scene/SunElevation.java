package io.tileinfer.core.scene;

import java.io.Serializable;

/**
 * The sun's elevation over a scene in degrees, and where it came from (the configuration, a STAC item, an MTL.txt, or
 * computed for the acquisition time at the scene's centre), as the manifest records it.
 */
public record SunElevation(double degrees, String source) implements Serializable {
}
