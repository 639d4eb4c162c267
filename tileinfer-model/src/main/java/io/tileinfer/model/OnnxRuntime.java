package io.tileinfer.model;

import ai.onnxruntime.OrtEnvironment;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The process's ONNX Runtime environment, created with ONNX Runtime's telemetry switched off.
 *
 * <p>ONNX Runtime 1.29 added telemetry on Linux (the 1DS SDK) that starts with the environment and matches GCC's
 * recursive {@code std::regex} against {@code /proc/self/cmdline}: with a command line of a few KB (a long class
 * path, Spark's executors) it overflows a 1 MB thread stack and the JVM dies with SIGSEGV and no error report
 * (microsoft/onnxruntime#32173, vespa-engine/vespa#37786). {@code ORT_DISABLE_TELEMETRY=1} is its documented
 * opt-out, read from the native environment when ONNX Runtime initialises; the JVM cannot set an environment
 * variable, so this calls the C library's {@code setenv} first. It never overrides a value the user set. Our
 * clusters have no internet either, so the uploader would only retry in the background.
 */
public final class OnnxRuntime {

    static final String TELEMETRY_OPT_OUT = "ORT_DISABLE_TELEMETRY";

    private OnnxRuntime() {
    }

    /** The one environment of this process; every session must be created through it. */
    public static OrtEnvironment environment() {
        return Holder.ENVIRONMENT;
    }

    private static final class Holder {
        static final OrtEnvironment ENVIRONMENT = start();

        private static OrtEnvironment start() {
            setenvIfAbsent(TELEMETRY_OPT_OUT, "1");
            OrtLibraries.use();
            return OrtEnvironment.getEnvironment();
        }
    }

    static void setenvIfAbsent(String name, String value) {
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().findOrThrow("setenv"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            MemorySegment cValue = arena.allocateFrom(value);
            int status = (int) setenv.invokeExact(cName, cValue, 0);
            if (status != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed with " + status);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("setenv(" + name + ") failed", e);
        }
    }
}
