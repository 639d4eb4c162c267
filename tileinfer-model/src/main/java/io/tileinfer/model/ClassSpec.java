package io.tileinfer.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** One output class: the value written to class maps, its name and a display colour "#rrggbb". */
public record ClassSpec(int value, String name, String color) {

    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

    public ClassSpec {
        Objects.requireNonNull(name, "class name");
        Objects.requireNonNull(color, "class color");
        if (value < 0) {
            throw new IllegalArgumentException("class " + name + ": value must not be negative, found " + value);
        }
        if (!COLOR.matcher(color).matches()) {
            throw new IllegalArgumentException("class " + name + ": color must look like #rrggbb, found "
                    + color);
        }
    }
}
