package dev.unifiedplugins.jdbcinit;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.concurrent.DaemonThreads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Runs the steps that need the JDBC store's database (create the table, import a config
 * directory), in order, at start; when the database cannot be reached then, or a lock the
 * schema script needs is held by another connection for longer than the script waits,
 * the start goes on and a daemon thread runs what is left as soon as it can, retrying
 * with a growing pause of at most {@value #MAX_BACKOFF_MILLIS} ms, and then runs
 * {@code afterwards} (a refresh of the registry). A step that fails for another reason
 * (a broken script) fails the start, or, once deferred, is logged and not retried.
 */
public final class JdbcStoreStartup implements AutoCloseable {

	static final long MIN_BACKOFF_MILLIS = 200;

	static final long MAX_BACKOFF_MILLIS = 5000;

	private static final Log logger = LogFactory.getLog(JdbcStoreStartup.class);

	private final List<Runnable> steps;

	private final Runnable afterwards;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final boolean firstDeferred;

	private volatile boolean done;

	private volatile Thread thread;

	/**
	 * Creates a start-up; {@link #start()} runs it.
	 * @param steps what needs the database, in order
	 * @param afterwards what to run once deferred steps have run
	 */
	public JdbcStoreStartup(List<Runnable> steps, Runnable afterwards) {
		this(steps, afterwards, false);
	}

	/**
	 * Creates a start-up; {@link #start()} runs it.
	 * @param steps what needs the database, in order
	 * @param afterwards what to run once deferred steps have run
	 * @param firstDeferred whether the first step has just found the database unavailable
	 * (and said so with {@link #warnDeferred}): it is tried again later, not at once, so
	 * that a start waits for a locked table once
	 */
	public JdbcStoreStartup(List<Runnable> steps, Runnable afterwards, boolean firstDeferred) {
		this.steps = List.copyOf(steps);
		this.afterwards = Objects.requireNonNull(afterwards, "afterwards must not be null");
		this.firstDeferred = firstDeferred && !this.steps.isEmpty();
	}

	/**
	 * Says that the store's set-up waits for the database.
	 * @param ex why it cannot be done now
	 */
	public static void warnDeferred(Throwable ex) {
		logger.warn("The database of the plugin config store cannot be reached, or another connection"
				+ " holds a lock its schema script needs; its table and import are set up when they can"
				+ " be: " + innermostMessage(ex));
	}

	/**
	 * Runs the steps now, or, from the first that finds the database unreachable, later.
	 * @throws RuntimeException when a step fails for another reason
	 */
	public synchronized void start() {
		int next = this.firstDeferred ? 0 : runFrom(0, true);
		if (next == this.steps.size()) {
			this.done = true;
			return;
		}
		Thread thread = DaemonThreads.named("plugins-jdbc-startup").newThread(() -> retry(next));
		this.thread = thread;
		thread.start();
	}

	/** {@return whether every step has run} */
	public boolean isDone() {
		return this.done;
	}

	/** Runs the steps from one on; the index of the first not run because the database cannot be used now. */
	private int runFrom(int first, boolean atStart) {
		for (int i = first; i < this.steps.size(); i++) {
			try {
				this.steps.get(i).run();
			}
			catch (RuntimeException ex) {
				if (!isUnavailable(ex)) {
					throw ex;
				}
				if (atStart) {
					warnDeferred(ex);
				}
				return i;
			}
		}
		return this.steps.size();
	}

	/**
	 * The first line of the innermost message: a driver's cause may have none (a socket
	 * closed during the handshake, an {@code EOFException}), which must not fail the start.
	 * @param ex the failure
	 * @return the message
	 */
	public static String innermostMessage(Throwable ex) {
		String message = ex.getClass().getName();
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause.getMessage() != null) {
				message = cause.getMessage();
			}
		}
		return message.lines().findFirst().orElse("");
	}

	private void retry(int first) {
		long backoff = MIN_BACKOFF_MILLIS;
		int next = first;
		while (true) {
			try {
				if (this.stopped.await(backoff, TimeUnit.MILLISECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				next = runFrom(next, false);
			}
			catch (RuntimeException ex) {
				logger.error("Setting up the plugin config store's database failed", ex);
				return;
			}
			if (next == this.steps.size()) {
				logger.info("The database of the plugin config store is reached: its table and import are set up");
				this.done = true;
				try {
					this.afterwards.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Refreshing the plugin registry after setting up its database failed", ex);
				}
				return;
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
		}
	}

	/**
	 * Whether a failure may pass by itself: the database could not be reached, or a lock
	 * was held by another connection for longer than the statement waits (SQLState
	 * {@code 55P03}: the schema script's {@code lock_timeout}).
	 * @param ex the failure
	 * @return true when a later run may succeed
	 */
	public static boolean isUnavailable(Throwable ex) {
		if (isUnreachable(ex)) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a failure means that no connection could be had (SQLState class 08).
	 * @param ex the failure
	 * @return true when the database could not be reached
	 */
	public static boolean isUnreachable(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof CannotGetJdbcConnectionException) {
				return true;
			}
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void close() {
		this.stopped.countDown();
		Thread thread = this.thread;
		if (thread != null) {
			try {
				thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
