package dev.unifiedplugins.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs calls into plugin code on a small pool of daemon threads so that callers can wait
 * with a deadline. A call that hangs keeps its thread, so a key whose previous call is
 * still running is not called again: it fails at once with
 * {@link PluginCallInProgressException}. Hung calls thus hold at most one thread per key.
 */
public final class BoundedCalls implements AutoCloseable {

	private final ThreadPoolExecutor executor;

	private final Map<String, FutureTask<?>> inFlight = new ConcurrentHashMap<>();

	/**
	 * Creates a pool.
	 * @param threadNamePrefix the prefix of the threads' names
	 * @param maxThreads the most calls that run at once
	 */
	public BoundedCalls(String threadNamePrefix, int maxThreads) {
		Objects.requireNonNull(threadNamePrefix, "threadNamePrefix must not be null");
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, threadNamePrefix + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Starts a call, unless the previous call with the same key is still running.
	 * @param <T> the result type
	 * @param key what the call is about, such as a plugin's unique id
	 * @param call the call
	 * @return its future; already failed with {@link PluginCallInProgressException} when
	 * the key is busy, or with {@link RejectedExecutionException} after {@link #close()}
	 */
	public <T> Future<T> submit(String key, Callable<T> call) {
		FutureTask<T> task = new FutureTask<>(call) {

			@Override
			protected void done() {
				BoundedCalls.this.inFlight.remove(key, this);
			}

		};
		FutureTask<?> previous = this.inFlight.putIfAbsent(key, task);
		if (previous != null) {
			return CompletableFuture.failedFuture(new PluginCallInProgressException(key));
		}
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(key, task);
			return CompletableFuture.failedFuture(ex);
		}
		return task;
	}

	/**
	 * Waits for a call until a deadline, cancelling it when the deadline passes.
	 * @param <T> the result type
	 * @param future the call's future
	 * @param deadlineNanos the deadline, in {@link System#nanoTime()} terms
	 * @param timeout the configured bound, for the message
	 * @return the result
	 * @throws PluginCallException when the call failed or timed out, with a message that
	 * says which
	 */
	public static <T> T await(Future<T> future, long deadlineNanos, Duration timeout) {
		try {
			return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new PluginCallException("did not answer within " + format(timeout), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof PluginCallInProgressException) {
				throw new PluginCallException(cause.getMessage(), cause);
			}
			throw new PluginCallException(describe(cause), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new PluginCallException("interrupted while waiting for the plugin", ex);
		}
	}

	/**
	 * Describes a failure for an operator: exception type and message.
	 * @param failure the failure
	 * @return the description
	 */
	public static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getName() + ((message != null) ? ": " + message : "");
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/** A call refused because the previous call with the same key has not returned. */
	public static final class PluginCallInProgressException extends RuntimeException {

		PluginCallInProgressException(String key) {
			super("a previous call for '" + key + "' has not returned yet");
		}

	}

	/** A bounded call that failed or timed out. */
	public static final class PluginCallException extends RuntimeException {

		PluginCallException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
