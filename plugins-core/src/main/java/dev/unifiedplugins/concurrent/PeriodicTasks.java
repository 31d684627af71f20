package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one way the library runs periodic work (rescans, cost checks, process records): a
 * task with a fixed delay on a daemon thread of its own, so that it never keeps the JVM
 * alive and one slow run never overlaps the next.
 */
public final class PeriodicTasks {

	private PeriodicTasks() {
	}

	/**
	 * Starts a task.
	 * @param threadName the name of its thread
	 * @param initialDelay the delay before the first run
	 * @param delay the delay between the end of one run and the start of the next
	 * @param task what to run; it should not throw, as a run that throws ends the schedule
	 * @return the executor, which also takes one-off tasks; {@code shutdownNow()} stops it
	 */
	public static ScheduledExecutorService start(String threadName, Duration initialDelay, Duration delay,
			Runnable task) {
		ScheduledExecutorService executor = Executors
			.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
		executor.scheduleWithFixedDelay(task, initialDelay.toMillis(), delay.toMillis(), TimeUnit.MILLISECONDS);
		return executor;
	}

	/**
	 * Checks a duration setting, such as an interval or a timeout.
	 * @param duration the duration
	 * @param name its name, for the messages
	 * @return the duration
	 * @throws IllegalArgumentException when it is not positive
	 */
	public static Duration requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, name + " must not be null");
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be a positive duration, not " + duration);
		}
		return duration;
	}

}
