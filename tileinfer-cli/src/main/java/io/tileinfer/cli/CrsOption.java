package io.tileinfer.cli;

import io.tileinfer.raster.Crs;
import io.tileinfer.raster.RasterException;
import picocli.CommandLine;

/** A {@code --crs} value, parsed by GDAL while the command line is read: one it does not know is a usage error. */
final class CrsOption implements CommandLine.ITypeConverter<Crs> {
    @Override
    public Crs convert(String value) {
        try {
            return Crs.parse(value);
        } catch (RasterException e) {
            throw new CommandLine.TypeConversionException(e.getMessage() + ", expected a CRS such as EPSG:32616");
        }
    }
}
