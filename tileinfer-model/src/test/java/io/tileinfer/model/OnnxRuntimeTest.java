package io.tileinfer.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime 1.29's telemetry crashed any JVM whose command line was a few KB long (Spark executors, test class
 * paths). A child JVM with the default 1 MB thread stacks, no opt-out in its environment and an 8 KB argument loads
 * a model through {@link TileModel} and infers: without {@link OnnxRuntime}'s opt-out it dies with SIGSEGV (139).
 */
class OnnxRuntimeTest {

    @Test
    void aLongCommandLineNoLongerCrashesOnnxRuntime() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), "x".repeat(8192)));
        builder.environment().remove(OnnxRuntime.TELEMETRY_OPT_OUT);
        Process child = builder.redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("inferred 2 probabilities, telemetry opt-out 1"), output);
    }

    @Test
    void aValueTheUserSetIsKept() {
        OnnxRuntime.setenvIfAbsent("TILEINFER_TEST_SETENV", "first");
        OnnxRuntime.setenvIfAbsent("TILEINFER_TEST_SETENV", "second");
        assertEquals("first", Child.nativeGetenv("TILEINFER_TEST_SETENV"));
    }

    /** Loads and runs a one-pixel model, then prints what the native environment says. */
    public static final class Child {
        public static void main(String[] args) {
            byte[] onnx = TinyOnnx.softmaxClassifier(new float[][]{{1, -1}, {0, 2}}, new float[]{0, 0.5f});
            try (TileModel model = TileModel.load(onnx, Cards.twoBandTwoClass(), ModelOptions.defaults())) {
                float[] probabilities = model.predict(new float[]{2, 1}, 1, 1, 1);
                System.out.println("inferred " + probabilities.length + " probabilities, telemetry opt-out "
                        + nativeGetenv(OnnxRuntime.TELEMETRY_OPT_OUT));
            }
        }

        /** The C library's view: System.getenv is a snapshot taken at JVM start. */
        static String nativeGetenv(String name) {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var getenv = linker.downcallHandle(linker.defaultLookup().findOrThrow("getenv"),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS,
                            java.lang.foreign.ValueLayout.ADDRESS));
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var value = (java.lang.foreign.MemorySegment) getenv.invokeExact(arena.allocateFrom(name));
                return value.equals(java.lang.foreign.MemorySegment.NULL) ? null
                        : value.reinterpret(Long.MAX_VALUE).getString(0);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
