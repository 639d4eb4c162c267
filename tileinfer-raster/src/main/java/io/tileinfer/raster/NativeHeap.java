package io.tileinfer.raster;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C heap that GDAL and ONNX Runtime allocate from. glibc keeps what they free for later mallocs, in heaps that
 * fragment as large buffers come and go (a COG's, a scene's readers'), so a process's resident memory creeps up
 * scene after scene; {@link #trim()} hands the free pages back to the system.
 */
public final class NativeHeap {
    /** glibc's malloc_trim; absent from other C libraries (musl), where trimming does nothing. */
    private static final Optional<MethodHandle> MALLOC_TRIM = Linker.nativeLinker().defaultLookup()
            .find("malloc_trim").map(address -> Linker.nativeLinker().downcallHandle(address,
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG)));

    private NativeHeap() {
    }

    /** Returns the C heap's free pages to the system (malloc_trim(0)); tens of milliseconds. */
    public static void trim() {
        if (MALLOC_TRIM.isEmpty()) {
            return;
        }
        try {
            int releasedAny = (int) MALLOC_TRIM.get().invokeExact(0L); // 1 if it did, 0 if there was nothing
        } catch (Throwable e) {
            throw new IllegalStateException("malloc_trim failed", e);
        }
    }
}
