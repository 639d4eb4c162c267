package io.tileinfer.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Captures the Logback events that reach a logger (its children's too: the root's are every logger's) until closed.
 * The test class path's logback-test.xml keeps the root at WARN: meanwhile the access log is at INFO, for its lines.
 */
final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger;
    private final Logger access = (Logger) LoggerFactory.getLogger("tileinfer.access");
    private final Level accessLevel = access.getLevel();

    CapturedLogs(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        access.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    /** The events captured so far, in order. */
    List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    /** Detaches the capture and gives the access logger its level back. */
    @Override
    public void close() {
        logger.detachAppender(appender);
        access.setLevel(accessLevel);
    }
}
