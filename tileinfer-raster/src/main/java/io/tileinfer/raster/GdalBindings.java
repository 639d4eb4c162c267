package io.tileinfer.raster;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Hand-written downcalls to the few functions of GDAL's C API that tileinfer needs, with their C
 * signatures as in GDAL 3.6's headers. Handles are static finals so that the JIT can inline them.
 * Callers must have run {@link Gdal#init()} first.
 */
final class GdalBindings {

    static final int CE_NONE = 0;
    static final int CE_FAILURE = 3;
    static final int GF_READ = 0;
    static final int GF_WRITE = 1;
    static final int GDAL_OF_UPDATE = 0x01;
    static final int GDAL_OF_RASTER = 0x02;
    static final int GDAL_OF_VERBOSE_ERROR = 0x40;
    static final int VSI_STAT_EXISTS_FLAG = 0x1;
    static final int VSI_STAT_SIZE_FLAG = 0x4;
    /** VSIStatBufL is glibc's struct stat64: 144 bytes on x86_64, 128 on aarch64, st_size at byte 48 on both. */
    static final long STAT_BUFFER_BYTES = 256;
    static final long STAT_SIZE_OFFSET = 48;
    /** What {@link #lastErrorMessage} says when GDAL set no message. */
    static final String NO_DETAILS = "GDAL gave no details";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBRARY = Gdal.loadedLibrary();

    // gdal.h
    private static final MethodHandle GDAL_ALL_REGISTER = function("GDALAllRegister", null);
    private static final MethodHandle GDAL_VERSION_INFO = function("GDALVersionInfo", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_OPEN_EX =
            function("GDALOpenEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_CLOSE = function("GDALClose", null, ADDRESS);
    private static final MethodHandle GDAL_GET_DATASET_DRIVER = function("GDALGetDatasetDriver", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_DRIVER_SHORT_NAME =
            function("GDALGetDriverShortName", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_DRIVER_BY_NAME = function("GDALGetDriverByName", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_RASTER_X_SIZE = function("GDALGetRasterXSize", JAVA_INT, ADDRESS);
    private static final MethodHandle GDAL_GET_RASTER_Y_SIZE = function("GDALGetRasterYSize", JAVA_INT, ADDRESS);
    private static final MethodHandle GDAL_GET_RASTER_COUNT = function("GDALGetRasterCount", JAVA_INT, ADDRESS);
    private static final MethodHandle GDAL_GET_RASTER_BAND =
            function("GDALGetRasterBand", ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle GDAL_GET_RASTER_DATA_TYPE =
            function("GDALGetRasterDataType", JAVA_INT, ADDRESS);
    private static final MethodHandle GDAL_GET_RASTER_NO_DATA_VALUE =
            function("GDALGetRasterNoDataValue", JAVA_DOUBLE, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_SET_RASTER_NO_DATA_VALUE =
            function("GDALSetRasterNoDataValue", JAVA_INT, ADDRESS, JAVA_DOUBLE);
    private static final MethodHandle GDAL_GET_BLOCK_SIZE =
            function("GDALGetBlockSize", null, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_DESCRIPTION = function("GDALGetDescription", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_SET_DESCRIPTION =
            function("GDALSetDescription", null, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_PROJECTION_REF =
            function("GDALGetProjectionRef", ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_SET_PROJECTION =
            function("GDALSetProjection", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_GEO_TRANSFORM =
            function("GDALGetGeoTransform", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_SET_GEO_TRANSFORM =
            function("GDALSetGeoTransform", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_METADATA = function("GDALGetMetadata", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_GET_METADATA_ITEM =
            function("GDALGetMetadataItem", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_SET_METADATA_ITEM =
            function("GDALSetMetadataItem", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_DATASET_RASTER_IO_EX = function("GDALDatasetRasterIOEx", JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle GDAL_CREATE = function("GDALCreate", ADDRESS,
            ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle GDAL_CREATE_COPY = function("GDALCreateCopy", ADDRESS,
            ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GDAL_FLUSH_CACHE = function("GDALFlushCache", null, ADDRESS);

    // ogr_srs_api.h
    private static final MethodHandle OSR_NEW_SPATIAL_REFERENCE =
            function("OSRNewSpatialReference", ADDRESS, ADDRESS);
    private static final MethodHandle OSR_DESTROY_SPATIAL_REFERENCE =
            function("OSRDestroySpatialReference", null, ADDRESS);
    private static final MethodHandle OSR_IMPORT_FROM_WKT = function("OSRImportFromWkt", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_SET_FROM_USER_INPUT =
            function("OSRSetFromUserInput", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_EXPORT_TO_WKT = function("OSRExportToWkt", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_EXPORT_TO_WKT_EX =
            function("OSRExportToWktEx", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_GET_AUTHORITY_NAME =
            function("OSRGetAuthorityName", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_GET_AUTHORITY_CODE =
            function("OSRGetAuthorityCode", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_AUTO_IDENTIFY_EPSG = function("OSRAutoIdentifyEPSG", JAVA_INT, ADDRESS);
    private static final MethodHandle OSR_IS_SAME = function("OSRIsSame", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle OSR_SET_AXIS_MAPPING_STRATEGY =
            function("OSRSetAxisMappingStrategy", null, ADDRESS, JAVA_INT);
    private static final MethodHandle OCT_NEW_COORDINATE_TRANSFORMATION =
            function("OCTNewCoordinateTransformation", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle OCT_DESTROY_COORDINATE_TRANSFORMATION =
            function("OCTDestroyCoordinateTransformation", null, ADDRESS);
    private static final MethodHandle OCT_TRANSFORM =
            function("OCTTransform", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);

    // cpl_conv.h, cpl_error.h, cpl_vsi.h
    private static final MethodHandle CPL_SET_CONFIG_OPTION =
            function("CPLSetConfigOption", null, ADDRESS, ADDRESS);
    private static final MethodHandle CPL_SET_ERROR_HANDLER = function("CPLSetErrorHandler", ADDRESS, ADDRESS);
    private static final MethodHandle CPL_ERROR_RESET = function("CPLErrorReset", null);
    private static final MethodHandle CPL_GET_LAST_ERROR_TYPE = function("CPLGetLastErrorType", JAVA_INT);
    private static final MethodHandle CPL_GET_LAST_ERROR_MSG = function("CPLGetLastErrorMsg", ADDRESS);
    private static final MethodHandle VSI_STAT_EX_L = function("VSIStatExL", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle VSI_FREE = function("VSIFree", null, ADDRESS);
    private static final MethodHandle VSI_FILE_FROM_MEM_BUFFER =
            function("VSIFileFromMemBuffer", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle VSI_FCLOSE_L = function("VSIFCloseL", JAVA_INT, ADDRESS);
    private static final MethodHandle VSI_UNLINK = function("VSIUnlink", JAVA_INT, ADDRESS);
    private static final MethodHandle CPL_GET_LAST_ERROR_NO = function("CPLGetLastErrorNo", JAVA_INT);
    private static final MethodHandle VSI_FOPEN_EX_L = function("VSIFOpenExL", ADDRESS, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle VSI_FREAD_L =
            function("VSIFReadL", JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle VSI_FWRITE_L =
            function("VSIFWriteL", JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle VSI_CURL_CLEAR_CACHE = function("VSICurlClearCache", null);
    private static final MethodHandle CPL_SET_THREAD_LOCAL_CONFIG_OPTION =
            function("CPLSetThreadLocalConfigOption", null, ADDRESS, ADDRESS);
    private static final MethodHandle VSI_ERROR_RESET = function("VSIErrorReset", null);
    private static final MethodHandle VSI_CURL_PARTIAL_CLEAR_CACHE =
            function("VSICurlPartialClearCache", null, ADDRESS);
    private static final MethodHandle CPL_PUSH_ERROR_HANDLER = function("CPLPushErrorHandler", null, ADDRESS);
    private static final MethodHandle CPL_POP_ERROR_HANDLER = function("CPLPopErrorHandler", null);
    private static final MethodHandle VSI_TO_CPL_ERROR = function("VSIToCPLError", JAVA_INT, JAVA_INT, JAVA_INT);

    private GdalBindings() {
    }

    private static MethodHandle function(String name, MemoryLayout result, MemoryLayout... arguments) {
        MemorySegment address = LIBRARY.find(name).orElseThrow(() -> new GdalUnavailableException(
                "the loaded libgdal has no function " + name + ": tileinfer needs GDAL 3.1 or later"));
        FunctionDescriptor descriptor =
                result == null ? FunctionDescriptor.ofVoid(arguments) : FunctionDescriptor.of(result, arguments);
        return LINKER.downcallHandle(address, descriptor);
    }

    /** Downcalls declare Throwable but only throw unchecked exceptions (a closed arena, a wrong thread). */
    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- strings -------------------------------------------------------------------------------

    /** A NUL-terminated UTF-8 string owned by GDAL, or null. */
    static String string(MemorySegment cString) {
        return cString.address() == 0 ? null : cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    /** A NULL-terminated char** as GDAL's option lists expect. */
    static MemorySegment stringList(Arena arena, List<String> items) {
        MemorySegment list = arena.allocate(ADDRESS, items.size() + 1L);
        for (int i = 0; i < items.size(); i++) {
            list.setAtIndex(ADDRESS, i, arena.allocateFrom(items.get(i)));
        }
        list.setAtIndex(ADDRESS, items.size(), MemorySegment.NULL);
        return list;
    }

    /** A GDAL metadata domain ("KEY=VALUE" strings) as a map, in GDAL's order. */
    static Map<String, String> metadata(MemorySegment object, String domain) {
        Map<String, String> result = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = getMetadata(object, cString(arena, domain));
            if (list.address() == 0) {
                return result;
            }
            MemorySegment entries = list.reinterpret(Long.MAX_VALUE);
            for (long i = 0; ; i++) {
                String entry = string(entries.getAtIndex(ADDRESS, i));
                if (entry == null) {
                    return result;
                }
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    result.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
        }
    }

    // ---- errors --------------------------------------------------------------------------------

    /** GDAL's last error of the calling thread, or {@link #NO_DETAILS} when GDAL set none. */
    static String lastErrorMessage() {
        String message = string(cplGetLastErrorMsg());
        return message == null || message.isBlank() ? NO_DETAILS : message.strip();
    }

    // ---- gdal.h --------------------------------------------------------------------------------

    static void allRegister() {
        try {
            GDAL_ALL_REGISTER.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static MemorySegment versionInfo(MemorySegment request) {
        try {
            return (MemorySegment) GDAL_VERSION_INFO.invokeExact(request);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** {@code allowedDrivers}: a NULL-terminated list of driver short names, or NULL for every driver. */
    static MemorySegment openEx(MemorySegment path, int flags, MemorySegment allowedDrivers) {
        try {
            return (MemorySegment) GDAL_OPEN_EX.invokeExact(path, flags,
                    allowedDrivers, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void close(MemorySegment dataset) {
        try {
            GDAL_CLOSE.invokeExact(dataset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String driverShortName(MemorySegment dataset) {
        try {
            MemorySegment driver = (MemorySegment) GDAL_GET_DATASET_DRIVER.invokeExact(dataset);
            return string((MemorySegment) GDAL_GET_DRIVER_SHORT_NAME.invokeExact(driver));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static MemorySegment driverByName(MemorySegment name) {
        try {
            return (MemorySegment) GDAL_GET_DRIVER_BY_NAME.invokeExact(name);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int rasterXSize(MemorySegment dataset) {
        try {
            return (int) GDAL_GET_RASTER_X_SIZE.invokeExact(dataset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int rasterYSize(MemorySegment dataset) {
        try {
            return (int) GDAL_GET_RASTER_Y_SIZE.invokeExact(dataset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int rasterCount(MemorySegment dataset) {
        try {
            return (int) GDAL_GET_RASTER_COUNT.invokeExact(dataset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static MemorySegment rasterBand(MemorySegment dataset, int band) {
        try {
            return (MemorySegment) GDAL_GET_RASTER_BAND.invokeExact(dataset, band);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int rasterDataType(MemorySegment band) {
        try {
            return (int) GDAL_GET_RASTER_DATA_TYPE.invokeExact(band);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @param hasNoData an int that GDAL sets to non-zero when the band declares a nodata value */
    static double rasterNoDataValue(MemorySegment band, MemorySegment hasNoData) {
        try {
            return (double) GDAL_GET_RASTER_NO_DATA_VALUE.invokeExact(band, hasNoData);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setRasterNoDataValue(MemorySegment band, double nodata) {
        try {
            return (int) GDAL_SET_RASTER_NO_DATA_VALUE.invokeExact(band, nodata);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void blockSize(MemorySegment band, MemorySegment xSize, MemorySegment ySize) {
        try {
            GDAL_GET_BLOCK_SIZE.invokeExact(band, xSize, ySize);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String description(MemorySegment object) {
        try {
            return string((MemorySegment) GDAL_GET_DESCRIPTION.invokeExact(object));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void setDescription(MemorySegment object, MemorySegment description) {
        try {
            GDAL_SET_DESCRIPTION.invokeExact(object, description);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String projectionRef(MemorySegment dataset) {
        try {
            return string((MemorySegment) GDAL_GET_PROJECTION_REF.invokeExact(dataset));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setProjection(MemorySegment dataset, MemorySegment wkt) {
        try {
            return (int) GDAL_SET_PROJECTION.invokeExact(dataset, wkt);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @param sixDoubles filled by GDAL; CE_FAILURE when the dataset has no geotransform */
    static int geoTransform(MemorySegment dataset, MemorySegment sixDoubles) {
        try {
            return (int) GDAL_GET_GEO_TRANSFORM.invokeExact(dataset, sixDoubles);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setGeoTransform(MemorySegment dataset, MemorySegment sixDoubles) {
        try {
            return (int) GDAL_SET_GEO_TRANSFORM.invokeExact(dataset, sixDoubles);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static MemorySegment getMetadata(MemorySegment object, MemorySegment domain) {
        try {
            return (MemorySegment) GDAL_GET_METADATA.invokeExact(object, domain);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String metadataItem(MemorySegment object, MemorySegment name, MemorySegment domain) {
        try {
            return string((MemorySegment) GDAL_GET_METADATA_ITEM.invokeExact(object, name, domain));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setMetadataItem(MemorySegment object, MemorySegment name, MemorySegment value,
                               MemorySegment domain) {
        try {
            return (int) GDAL_SET_METADATA_ITEM.invokeExact(object, name, value, domain);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * GDALDatasetRasterIOEx without resampling (buffer size = window size) and with 64-bit spacings, so
     * that band-sequential buffers over 2 GB cannot overflow.
     */
    static int datasetRasterIo(MemorySegment dataset, int readOrWrite, Window window, MemorySegment buffer,
                               int bufferType, int bandCount, MemorySegment bandMap,
                               long pixelSpace, long lineSpace, long bandSpace) {
        return datasetRasterIo(dataset, readOrWrite, window, buffer, window.width(), window.height(), bufferType,
                bandCount, bandMap, pixelSpace, lineSpace, bandSpace);
    }

    /** A buffer smaller than the window makes GDAL read from the overviews (nearest neighbour: no extra arg). */
    static int datasetRasterIo(MemorySegment dataset, int readOrWrite, Window window, MemorySegment buffer,
                               int bufferWidth, int bufferHeight, int bufferType, int bandCount,
                               MemorySegment bandMap, long pixelSpace, long lineSpace, long bandSpace) {
        try {
            return (int) GDAL_DATASET_RASTER_IO_EX.invokeExact(dataset, readOrWrite,
                    window.x(), window.y(), window.width(), window.height(), buffer,
                    bufferWidth, bufferHeight, bufferType, bandCount, bandMap,
                    pixelSpace, lineSpace, bandSpace, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static MemorySegment create(MemorySegment driver, MemorySegment path, int width, int height, int bands,
                                int dataType, MemorySegment options) {
        try {
            return (MemorySegment) GDAL_CREATE.invokeExact(driver, path, width, height, bands, dataType, options);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static MemorySegment createCopy(MemorySegment driver, MemorySegment path, MemorySegment source,
                                    boolean strict, MemorySegment options) {
        try {
            return (MemorySegment) GDAL_CREATE_COPY.invokeExact(driver, path, source, strict ? 1 : 0, options,
                    MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void flushCache(MemorySegment dataset) {
        try {
            GDAL_FLUSH_CACHE.invokeExact(dataset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    // ---- ogr_srs_api.h -------------------------------------------------------------------------

    static MemorySegment newSpatialReference() {
        try {
            return (MemorySegment) OSR_NEW_SPATIAL_REFERENCE.invokeExact(MemorySegment.NULL);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void destroySpatialReference(MemorySegment srs) {
        try {
            OSR_DESTROY_SPATIAL_REFERENCE.invokeExact(srs);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @param wktPointer a char** that GDAL advances past what it parsed */
    static int importFromWkt(MemorySegment srs, MemorySegment wktPointer) {
        try {
            return (int) OSR_IMPORT_FROM_WKT.invokeExact(srs, wktPointer);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setFromUserInput(MemorySegment srs, MemorySegment text) {
        try {
            return (int) OSR_SET_FROM_USER_INPUT.invokeExact(srs, text);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @param result a char** that receives a string the caller must release with {@link #vsiFree} */
    static int exportToWkt(MemorySegment srs, MemorySegment result) {
        try {
            return (int) OSR_EXPORT_TO_WKT.invokeExact(srs, result);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * @param result  a char** that receives a string the caller must release with {@link #vsiFree}
     * @param options a NULL-terminated list such as {@code FORMAT=WKT2_2019}
     */
    static int exportToWktEx(MemorySegment srs, MemorySegment result, MemorySegment options) {
        try {
            return (int) OSR_EXPORT_TO_WKT_EX.invokeExact(srs, result, options);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String authorityName(MemorySegment srs) {
        try {
            return string((MemorySegment) OSR_GET_AUTHORITY_NAME.invokeExact(srs, MemorySegment.NULL));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static String authorityCode(MemorySegment srs) {
        try {
            return string((MemorySegment) OSR_GET_AUTHORITY_CODE.invokeExact(srs, MemorySegment.NULL));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int autoIdentifyEpsg(MemorySegment srs) {
        try {
            return (int) OSR_AUTO_IDENTIFY_EPSG.invokeExact(srs);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static boolean isSame(MemorySegment srs, MemorySegment other) {
        try {
            return (int) OSR_IS_SAME.invokeExact(srs, other) != 0;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** OAMS_TRADITIONAL_GIS_ORDER: x = easting or longitude, y = northing or latitude, whatever the CRS says. */
    static final int OAMS_TRADITIONAL_GIS_ORDER = 0;

    static void setAxisMappingStrategy(MemorySegment srs, int strategy) {
        try {
            OSR_SET_AXIS_MAPPING_STRATEGY.invokeExact(srs, strategy);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @return NULL when GDAL cannot transform between the two (the error is in CPLGetLastErrorMsg) */
    static MemorySegment newCoordinateTransformation(MemorySegment source, MemorySegment target) {
        try {
            return (MemorySegment) OCT_NEW_COORDINATE_TRANSFORMATION.invokeExact(source, target);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void destroyCoordinateTransformation(MemorySegment transformation) {
        try {
            OCT_DESTROY_COORDINATE_TRANSFORMATION.invokeExact(transformation);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Transforms {@code count} points in place; true when every point was transformed. */
    static boolean transform(MemorySegment transformation, int count, MemorySegment x, MemorySegment y) {
        try {
            return (int) OCT_TRANSFORM.invokeExact(transformation, count, x, y, MemorySegment.NULL) != 0;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    // ---- cpl_conv.h, cpl_error.h, cpl_vsi.h ----------------------------------------------------

    static void setConfigOption(MemorySegment key, MemorySegment value) {
        try {
            CPL_SET_CONFIG_OPTION.invokeExact(key, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Installs GDAL's own CPLQuietErrorHandler as the process-wide handler: GDAL still records the last
     * error of each thread, but prints nothing to stderr. (CPLPushErrorHandler would only affect the
     * calling thread, as GDAL's handler stack is thread-local.)
     */
    static void useQuietErrorHandler() {
        MemorySegment quiet = LIBRARY.find("CPLQuietErrorHandler").orElseThrow();
        try {
            MemorySegment previousHandler = (MemorySegment) CPL_SET_ERROR_HANDLER.invokeExact(quiet);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void errorReset() {
        try {
            CPL_ERROR_RESET.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int lastErrorType() {
        try {
            return (int) CPL_GET_LAST_ERROR_TYPE.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static MemorySegment cplGetLastErrorMsg() {
        try {
            return (MemorySegment) CPL_GET_LAST_ERROR_MSG.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @return 0 on success, like stat(2) */
    static int statEx(MemorySegment path, MemorySegment statBuffer, int flags) {
        try {
            return (int) VSI_STAT_EX_L.invokeExact(path, statBuffer, flags);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void vsiFree(MemorySegment pointer) {
        try {
            VSI_FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Registers {@code bytes} as the /vsimem/ file {@code path} without copying or taking ownership: the memory
     * must outlive the file, which {@link #vsiUnlink} removes. Returns the file handle GDAL opens on it (NULL on
     * failure), to be closed with {@link #vsiFCloseL}.
     */
    static MemorySegment vsiFileFromMemBuffer(MemorySegment path, MemorySegment bytes) {
        try {
            return (MemorySegment) VSI_FILE_FROM_MEM_BUFFER.invokeExact(path, bytes, bytes.byteSize(), 0);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int vsiFCloseL(MemorySegment file) {
        try {
            return (int) VSI_FCLOSE_L.invokeExact(file);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @return 0 on success, like unlink(2) */
    static int vsiUnlink(MemorySegment path) {
        try {
            return (int) VSI_UNLINK.invokeExact(path);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** CPLGetLastErrorNo: the CPLE_* number of the calling thread's last error (0 for none). */
    static int lastErrorNumber() {
        try {
            return (int) CPL_GET_LAST_ERROR_NO.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** VSIFOpenExL with bSetError: a failure leaves its reason (HTTP status, curl error) as the last error. */
    static MemorySegment vsiFOpenExL(MemorySegment path, MemorySegment mode) {
        try {
            return (MemorySegment) VSI_FOPEN_EX_L.invokeExact(path, mode, 1);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @return the number of bytes read, fewer than asked at the end of the file or on an error */
    static long vsiFReadL(MemorySegment buffer, long bytes, MemorySegment file) {
        try {
            return (long) VSI_FREAD_L.invokeExact(buffer, 1L, bytes, file);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** @return the number of bytes written, fewer than given on an error */
    static long vsiFWriteL(MemorySegment buffer, long bytes, MemorySegment file) {
        try {
            return (long) VSI_FWRITE_L.invokeExact(buffer, 1L, bytes, file);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Forgets what /vsicurl/ and /vsis3/ cached about remote files (sizes, existence, downloaded blocks). */
    static void vsiCurlClearCache() {
        try {
            VSI_CURL_CLEAR_CACHE.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Runs {@code body} with a configuration option set for the calling thread only, and unsets it afterwards, also
     * when {@code body} throws. An option set in the environment is left alone: the user's value keeps its meaning.
     */
    static <T> T withThreadLocalOption(String name, String value, Supplier<T> body) {
        if (System.getenv(name) != null) {
            return body.get();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(name);
            setThreadLocalConfigOption(key, arena.allocateFrom(value));
            try {
                return body.get();
            } finally {
                setThreadLocalConfigOption(key, MemorySegment.NULL);
            }
        }
    }

    /** A configuration option for the calling thread only; a NULL value unsets it. */
    private static void setThreadLocalConfigOption(MemorySegment key, MemorySegment value) {
        try {
            CPL_SET_THREAD_LOCAL_CONFIG_OPTION.invokeExact(key, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void vsiErrorReset() {
        try {
            VSI_ERROR_RESET.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /**
     * Re-raises the calling thread's last VSI error (which VSIFOpenExL records apart from CPLError) as a CPLError
     * with the matching CPLE_* number, as GDALOpen does. Returns whether there was one.
     */
    static boolean vsiToCplError(int errorClass, int defaultErrorNumber) {
        try {
            return (int) VSI_TO_CPL_ERROR.invokeExact(errorClass, defaultErrorNumber) != 0;
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Forgets what /vsicurl/ and /vsis3/ cached about the remote files whose path starts with {@code prefix}. */
    static void vsiCurlPartialClearCache(MemorySegment prefix) {
        try {
            VSI_CURL_PARTIAL_CLEAR_CACHE.invokeExact(prefix);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Pushes a CPLErrorHandler on the calling thread's handler stack (GDAL's stack is thread-local). */
    static void pushErrorHandler(MemorySegment handler) {
        try {
            CPL_PUSH_ERROR_HANDLER.invokeExact(handler);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void popErrorHandler() {
        try {
            CPL_POP_ERROR_HANDLER.invokeExact();
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** An upcall stub for {@code void handler(CPLErr, CPLErrorNum, const char*)}, valid for the process's life. */
    static MemorySegment errorHandler(MethodHandle target) {
        return LINKER.upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, ADDRESS), Arena.global());
    }
}
