package io.tileinfer.cli;

import io.tileinfer.core.config.PipelineConfig;
import picocli.CommandLine;

/** A {@code --workers} value: the range the configuration's {@code workers} takes, checked before anything runs. */
final class WorkerCount implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        String expected = "expected a whole number from 1 to " + PipelineConfig.MAX_WORKERS;
        try {
            int workers = Integer.parseInt(value);
            if (workers >= 1 && workers <= PipelineConfig.MAX_WORKERS) {
                return workers;
            }
        } catch (NumberFormatException notAnInteger) {
            // reported below, like a number out of range
        }
        throw new CommandLine.TypeConversionException("found \"" + value + "\", " + expected);
    }
}
