package dev.unifiedplugins.observability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.unifiedplugins.concurrent.BoundedCalls;
import org.apache.commons.logging.Log;

/**
 * A warning about a failure that may recur on every operation (an observation convention
 * or handler that throws): logged at most once per interval, with how many were not, so
 * that it is seen again while it lasts without flooding the log.
 */
final class RateLimitedWarning {

	/** How often a recurring warning is logged: once a minute. */
	static final Duration INTERVAL = Duration.ofMinutes(1);

	private final Log logger;

	private final Duration interval;

	/** When the warning may be logged again, in {@link System#nanoTime()} terms. */
	private final AtomicLong next = new AtomicLong(System.nanoTime());

	/** The failures not logged since the last warning. */
	private final AtomicLong skipped = new AtomicLong();

	RateLimitedWarning(Log logger, Duration interval) {
		this.logger = logger;
		this.interval = interval;
	}

	/**
	 * Logs the warning, unless it was logged less than an interval ago.
	 * @param message what failed and what goes on; the count of those not logged is added
	 * @param failure the failure, logged with its stack trace
	 */
	void warn(String message, Throwable failure) {
		long now = System.nanoTime();
		long due = this.next.get();
		if (now - due < 0 || !this.next.compareAndSet(due, now + this.interval.toNanos())) {
			this.skipped.incrementAndGet();
			return;
		}
		long notLogged = this.skipped.getAndSet(0);
		this.logger.warn(message + " (logged at most once every " + BoundedCalls.format(this.interval)
				+ ((notLogged > 0) ? "; " + notLogged + " more since the last time" : "") + ")", failure);
	}

}
