# Debian's GDAL: the raster I/O library tileinfer binds, and gdalinfo / python3-gdal for the interop checks.
ensure_gdal
