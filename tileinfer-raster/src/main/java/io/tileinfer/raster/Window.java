package io.tileinfer.raster;

import java.io.Serializable;

/**
 * A rectangle of pixels: {@code x} is the first column, {@code y} the first row. Serializable, like the other
 * value records here, because tile descriptors travel to Spark executors.
 */
public record Window(int x, int y, int width, int height) implements Serializable {

    public Window {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("window size must not be negative: " + width + "x" + height);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    /** The overlap of both windows; an empty window when they do not overlap. */
    public Window intersect(Window other) {
        int left = Math.max(x, other.x);
        int top = Math.max(y, other.y);
        long right = Math.min((long) x + width, (long) other.x + other.width);
        long bottom = Math.min((long) y + height, (long) other.y + other.height);
        return new Window(left, top, (int) Math.max(0, right - left), (int) Math.max(0, bottom - top));
    }

    public boolean isEmpty() {
        return width == 0 || height == 0;
    }

    @Override
    public String toString() {
        return "window(x=" + x + ", y=" + y + ", " + width + "x" + height + ")";
    }
}
