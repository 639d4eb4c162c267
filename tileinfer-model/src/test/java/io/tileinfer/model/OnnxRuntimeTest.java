package io.tileinfer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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

    /**
     * A JVM loads ONNX Runtime's libraries from the user's cache ({@link OrtLibraries}), made by the first that needs
     * them and used as they are by the next.
     */
    @Test
    void theLibrariesAreLoadedFromTheUsersCache(@TempDir Path cache) throws Exception {
        String first = runChild(cache);
        Path root = cache.resolve("tileinfer/onnxruntime");
        Path dir;
        try (var dirs = Files.list(root)) {
            dir = dirs.collect(onlyElement());
        }
        assertTrue(first.contains("libraries mapped from " + dir), first);
        Path library = dir.resolve(System.mapLibraryName("onnxruntime"));
        FileTime extracted = Files.getLastModifiedTime(library);
        String second = runChild(cache);
        assertTrue(second.contains("libraries mapped from " + dir), second);
        assertEquals(extracted, Files.getLastModifiedTime(library), "the second JVM used them as they were");
    }

    private static String runChild(Path cache) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Child.class.getName()));
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        Process child = builder.redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        return output;
    }

    private static <T> java.util.stream.Collector<T, ?, T> onlyElement() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
            assertEquals(1, list.size(), list.toString());
            return list.getFirst();
        });
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
                System.out.println("libraries mapped from " + mappedFrom(System.mapLibraryName("onnxruntime")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The directory the process mapped a library from, as /proc/self/maps says. */
        static String mappedFrom(String library) throws java.io.IOException {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(line -> line.endsWith("/" + library))
                    .map(line -> Path.of(line.substring(line.indexOf('/'))).getParent().toString()).findFirst()
                    .orElse("nowhere");
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
