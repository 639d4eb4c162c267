package io.tileinfer.raster;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every message GDAL gives during one call of the calling thread, not only the last. A failed read of a remote
 * block ends with "TIFFReadEncodedStrip() failed", while the network's own reason ("transfer closed with N bytes
 * remaining", "Operation timed out") comes earlier, and only as a debug message of /vsicurl/ ("VSICURL") or /vsis3/
 * ("S3"): for remote files the call runs with those debug categories on, for this thread only, and a handler pushed
 * on this thread's GDAL handler stack collects what they say.
 */
final class GdalMessages {
    private static final int CE_DEBUG = 1;
    private static final int CE_FAILURE = 3;
    private static final String DEBUG_OPTION = "CPL_DEBUG";
    /** The /vsi handlers whose debug messages report failed range requests (the category of each is a prefix). */
    private static final String REMOTE_CATEGORIES = "VSICURL,S3,GS,AZURE,ADLS,OSS,SWIFT,WEBHDFS";
    private static final Pattern DOWNLOADING = Pattern.compile("Downloading (\\d+-\\d+) \\(");
    private static final Pattern REGION_FAILED = Pattern.compile("DownloadRegion\\(([^)]*)\\): (.*)");
    private static final ThreadLocal<Collected> CURRENT = new ThreadLocal<>();
    private static final MemorySegment HANDLER;

    static {
        try {
            HANDLER = GdalBindings.errorHandler(MethodHandles.lookup().findStatic(GdalMessages.class, "onMessage",
                    MethodType.methodType(void.class, int.class, int.class, MemorySegment.class)));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private GdalMessages() {
    }

    /** What one call said: its failures and failed range requests, in order, and its last range asked. */
    private static final class Collected {
        final List<String> messages = new ArrayList<>();
        String range;
        boolean rangeFailed;
    }

    /** A GDAL call's status and the messages it gave, the most specific (the earliest) first. */
    record Call(int status, List<String> messages) {
    }

    /** Runs {@code call} (a GDAL function returning a CPLErr) and collects its messages when it is remote. */
    static Call capture(String gdalPath, IntSupplier call) {
        if (!RemoteFailure.isRemote(gdalPath)) {
            return new Call(call.getAsInt(), List.of());
        }
        Collected collected = new Collected();
        return GdalBindings.withThreadLocalOption(DEBUG_OPTION, REMOTE_CATEGORIES, () -> {
            CURRENT.set(collected);
            GdalBindings.pushErrorHandler(HANDLER);
            try {
                return new Call(call.getAsInt(), List.copyOf(collected.messages));
            } finally {
                GdalBindings.popErrorHandler();
                CURRENT.remove();
            }
        });
    }

    /** Called by GDAL on this thread; must not throw (an exception in an upcall ends the JVM). */
    private static void onMessage(int errorClass, int errorNumber, MemorySegment text) {
        try {
            Collected collected = CURRENT.get();
            String message = GdalBindings.string(text);
            if (collected == null || message == null) {
                return;
            }
            message = message.strip();
            if (errorClass >= CE_FAILURE) { // warnings are GDAL's own retries ("Retrying again in 1.0 secs")
                collected.messages.add(message);
                return;
            }
            if (errorClass != CE_DEBUG) {
                return;
            }
            Matcher downloading = DOWNLOADING.matcher(message);
            if (downloading.find()) {
                collected.range = downloading.group(1);
                return;
            }
            Matcher failed = REGION_FAILED.matcher(message);
            if (failed.find() && !collected.rangeFailed) { // the first says why; GDAL's retries repeat it
                collected.rangeFailed = true;
                collected.messages.add("HTTP range request " + (collected.range == null ? "" : "bytes="
                        + collected.range + " ") + "of " + failed.group(1) + " failed: " + failed.group(2));
            }
        } catch (Throwable ignored) {
            // a message lost is better than a JVM ended
        }
    }
}
