package io.tileinfer.raster;

import java.io.Serializable;

/**
 * GDAL's affine pixel-to-CRS transform, in GDAL's order:
 * {@code X = originX + col * pixelWidth + row * rowRotation},
 * {@code Y = originY + col * columnRotation + row * pixelHeight}.
 */
public record GeoTransform(double originX, double pixelWidth, double rowRotation,
                           double originY, double columnRotation, double pixelHeight) implements Serializable {

    public static GeoTransform fromGdal(double[] gt) {
        if (gt.length != 6) {
            throw new IllegalArgumentException("a GDAL geotransform has 6 coefficients, got " + gt.length);
        }
        return new GeoTransform(gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]);
    }

    public double[] toGdal() {
        return new double[] {originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight};
    }

    /** The CRS x of a point given in pixel coordinates (column, row; 0, 0 is the raster's outer corner). */
    public double x(double col, double row) {
        return originX + col * pixelWidth + row * rowRotation;
    }

    /** The CRS y of a point given in pixel coordinates. */
    public double y(double col, double row) {
        return originY + col * columnRotation + row * pixelHeight;
    }

    /** {minX, minY, maxX, maxY} of the window's outer pixel corners, in CRS units. */
    public double[] bounds(Window w) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        // All four corners: with a negative pixelHeight or a rotation any of them can be the extreme.
        for (long col : new long[] {w.x(), (long) w.x() + w.width()}) {
            for (long row : new long[] {w.y(), (long) w.y() + w.height()}) {
                double x = x(col, row);
                double y = y(col, row);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        return new double[] {minX, minY, maxX, maxY};
    }

    /** No rotation, columns going east and rows going south. */
    public boolean isNorthUp() {
        return rowRotation == 0 && columnRotation == 0 && pixelWidth > 0 && pixelHeight < 0;
    }
}
