package io.tileinfer.raster;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C heap that GDAL and ONNX Runtime allocate from. glibc keeps what they free for later mallocs, in heaps that
 * fragment as large buffers come and go (a COG's, a scene's readers'), so a process's resident memory creeps up
 * scene after scene; {@link #trim()} hands the free pages back to the system.
 */
public final class NativeHeap {
    /** glibc's malloc_trim; null with other C libraries (musl), where trimming does nothing. */
    private static final MethodHandle MALLOC_TRIM = lookup();
    /** Set when a call failed: trimming only saves memory, it never stops the work. */
    private static volatile boolean broken;

    private NativeHeap() {
    }

    /**
     * Returns the C heap's free pages to the system (malloc_trim(0)); false when there is no such call here or it
     * failed once. Never throws.
     */
    public static boolean trim() {
        if (MALLOC_TRIM == null || broken) {
            return false;
        }
        try {
            int releasedAny = (int) MALLOC_TRIM.invokeExact(0L); // 1 if it released memory, 0 if there was none
            return releasedAny >= 0;
        } catch (Throwable e) {
            broken = true;
            return false;
        }
    }

    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim")
                    .map(address -> linker.downcallHandle(address, FunctionDescriptor.of(JAVA_INT, JAVA_LONG)))
                    .orElse(null);
        } catch (RuntimeException e) { // e.g. native access refused
            return null;
        }
    }
}
