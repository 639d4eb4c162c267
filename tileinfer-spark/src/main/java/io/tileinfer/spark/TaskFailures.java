package io.tileinfer.spark;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Why the attempts of a scene's tasks failed, as the driver's scheduler saw it: an executor lost (and what its
 * cluster manager said), or the exception a task ended with. The last attempt of a task records its first batch as
 * failed without knowing why the earlier ones failed; the driver adds the reason to those rows from here.
 *
 * <p>Spark delivers listener events on a thread of its own, in the order they were posted: once the job's end
 * has arrived, so has every task end before it.
 */
final class TaskFailures extends SparkListener {
    /** The local property that marks a scene's job, so that other jobs on the context are not counted. */
    static final String JOB_PROPERTY = "tileinfer.sceneJob";
    private static final int MAX_REASON_CHARS = 500;

    private final String job;
    private final Set<Integer> jobs = new HashSet<>();
    private final Set<Integer> stages = new HashSet<>();
    private final Map<Integer, String> lastReasonByPartition = new HashMap<>();
    private boolean ended;

    TaskFailures(String job) {
        this.job = job;
    }

    String job() {
        return job;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        if (start.properties() != null && job.equals(start.properties().getProperty(JOB_PROPERTY))) {
            jobs.add(start.jobId());
            for (Object stage : CollectionConverters.asJava(start.stageIds())) {
                stages.add((Integer) stage);
            }
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        // a killed attempt was cancelled (a stop, a speculative twin that lost): it is no reason for a failure
        if (stages.contains(end.stageId()) && end.reason() instanceof TaskFailedReason failed
                && !(failed instanceof TaskKilled)) {
            lastReasonByPartition.put(end.taskInfo().index(), describe(failed));
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        if (jobs.contains(end.jobId())) {
            ended = true;
            notifyAll();
        }
    }

    /**
     * The last failure of each partition's attempts, once the job's end has reached this listener (or after
     * {@code bound}, or an interrupt: what has arrived by then).
     */
    synchronized Map<Integer, String> awaitReasons(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            while (!ended && System.nanoTime() < deadline) {
                wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.copyOf(lastReasonByPartition);
    }

    /** One line: an exception's class and message, or the scheduler's words for a lost executor. */
    static String describe(TaskFailedReason reason) {
        String text = reason instanceof ExceptionFailure e ? e.className() + ": " + e.description()
                : reason.toErrorString();
        text = text.strip().lines().findFirst().orElse("").strip();
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
    }
}
