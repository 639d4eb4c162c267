package io.tileinfer.core.output;

import io.tileinfer.model.ClassSpec;

import java.util.ArrayList;
import java.util.List;

/** The bands of a prediction raster: the class map, then, when kept, each class's probability in percent. */
public record PredictionBands(List<ClassSpec> classes, boolean probabilities) {

    public PredictionBands {
        classes = List.copyOf(classes);
    }

    /** The bands' names, as the raster's band descriptions hold them. */
    public List<String> names() {
        List<String> names = new ArrayList<>(List.of("class"));
        if (probabilities) {
            classes.forEach(c -> names.add("p_" + c.name() + " (percent)"));
        }
        return names;
    }
}
