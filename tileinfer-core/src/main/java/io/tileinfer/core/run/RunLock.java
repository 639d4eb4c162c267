package io.tileinfer.core.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The run held by one process for its life: an exclusive lock on {@code run.lock} in the run directory, so that a
 * second process started on the same configuration (same run id) stops at once instead of computing every tile
 * again and racing the first for the same files. The operating system releases it when the process ends, however
 * it ends, so a killed run still resumes. It guards one machine: with an {@code s3://} output the run directory is a
 * local staging directory, and another machine's is another file.
 */
final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    static final String FILE = "run.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The run's lock, or {@link RunHeldException} when another process (or another runner of this one) holds it. */
    static RunLock acquire(String runId, Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new RunHeldException(runId, file);
        }
        return new RunLock(channel, lock);
    }

    /** Never throws, so as not to hide the run's own failure: closing the channel releases the lock regardless. */
    @Override
    public void close() {
        try (channel) {
            lock.release();
        } catch (IOException e) {
            LOG.warn("cannot release the run's lock cleanly (the process's end releases it): {}", e.toString());
        }
    }
}
