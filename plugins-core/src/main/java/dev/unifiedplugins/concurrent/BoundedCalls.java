package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs calls into plugin code on a small pool of daemon threads so that callers can wait
 * with a deadline.
 * <p>
 * Calls with the same key run one at a time, in the order they were submitted. A call
 * that hangs keeps its thread until it returns, even after its caller gave up and
 * cancelled it, and the later calls with its key wait in a queue, not on a thread, until
 * their callers give up too. Hung calls thus hold at most one thread per key, never
 * starve other keys, and callers that overlap on a healthy key simply take turns.
 * <p>
 * A call that itself submits a call and waits for it (a shutdown cleanup giving a plugin
 * its last word before the termination) has that call run on a second pool of the same
 * size: with every thread of the first taken by such calls, the calls they wait for would
 * otherwise never start.
 */
public final class BoundedCalls implements AutoCloseable {

	/** The pool a running call's own calls go to; which pool runs the current call. */
	private static final ThreadLocal<BoundedCalls> CURRENT_POOL = new ThreadLocal<>();

	private final ThreadPoolExecutor executor;

	private final ThreadPoolExecutor nested;

	/** The keys with a running call, each with the calls waiting for it. Guarded by itself. */
	private final Map<String, Queue<KeyedCall<?>>> busy = new HashMap<>();

	/**
	 * Creates a pool.
	 * @param threadNamePrefix the prefix of the threads' names
	 * @param maxThreads the most calls that run at once
	 */
	public BoundedCalls(String threadNamePrefix, int maxThreads) {
		Objects.requireNonNull(threadNamePrefix, "threadNamePrefix must not be null");
		this.executor = pool(threadNamePrefix, maxThreads);
		// Threads made only when a call waits on a call, gone after 30 s without one.
		this.nested = pool(threadNamePrefix + "nested-", maxThreads);
	}

	private static ThreadPoolExecutor pool(String threadNamePrefix, int maxThreads) {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), DaemonThreads.numbered(threadNamePrefix));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/**
	 * Starts a call, or queues it behind the running call with the same key.
	 * @param <T> the result type
	 * @param key what the call is about, such as a plugin's unique id
	 * @param call the call
	 * @return its future; it fails with {@link RejectedExecutionException} after
	 * {@link #close()}. {@link #await} tells a call that never started because the previous
	 * one with its key had not returned from one that did not answer in time
	 */
	public <T> Future<T> submit(String key, Callable<T> call) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(call, "call must not be null");
		KeyedCall<T> task = new KeyedCall<>(key, call, CURRENT_POOL.get() == this);
		synchronized (this.busy) {
			Queue<KeyedCall<?>> waiting = this.busy.get(key);
			if (waiting != null) {
				// Callers that gave up cancelled their calls: drop them, so a hung key's queue
				// stays as short as the number of callers still waiting.
				waiting.removeIf(Future::isDone);
				task.queuedBehindKey = true;
				waiting.add(task);
				return task;
			}
			this.busy.put(key, new ArrayDeque<>(2));
		}
		execute(task);
		return task;
	}

	private void execute(KeyedCall<?> task) {
		try {
			(task.nested ? this.nested : this.executor).execute(new Start(task));
		}
		catch (RejectedExecutionException ex) {
			task.fail(ex);
			next(task.key);
		}
	}

	/** Runs a call on a thread of the pool; named, so that a call dropped by close is failed. */
	private final class Start implements Runnable {

		private final KeyedCall<?> task;

		Start(KeyedCall<?> task) {
			this.task = task;
		}

		@Override
		public void run() {
			try {
				this.task.started = true;
				CURRENT_POOL.set(BoundedCalls.this);
				try {
					this.task.run();
				}
				finally {
					CURRENT_POOL.remove();
				}
			}
			finally {
				// Runs when the call has returned, not when its caller cancelled it.
				next(this.task.key);
			}
		}

	}

	private void next(String key) {
		synchronized (this.busy) {
			Queue<KeyedCall<?>> waiting = this.busy.get(key);
			KeyedCall<?> next = (waiting != null) ? waiting.poll() : null;
			while (next != null && next.isDone()) {
				next = waiting.poll();
			}
			if (next == null) {
				this.busy.remove(key);
				return;
			}
			// No longer behind its key: if it does not start now, it waits for a free thread.
			next.queuedBehindKey = false;
			// Handed over under the lock (a queue's offer, never a wait), so that close() finds
			// every call either still waiting here or in the pool's queue, never in between.
			execute(next);
		}
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
		Objects.requireNonNull(future, "future must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		try {
			return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			if (future instanceof KeyedCall<?> call && !call.started) {
				if (!isQueuedBehindKey(call)) {
					throw new PluginCallException("did not start within " + format(timeout)
							+ ": every thread of its pool runs a call that has not returned", ex);
				}
				PluginCallInProgressException busy = new PluginCallInProgressException(call.key);
				throw new PluginCallException(busy.getMessage() + " (waited " + format(timeout) + ")", busy);
			}
			throw new PluginCallException("did not answer within " + format(timeout), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new PluginCallException(describe(cause), cause);
		}
		catch (CancellationException ex) {
			throw new PluginCallException("was cancelled", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new PluginCallException("interrupted while waiting for the plugin", ex);
		}
	}

	/**
	 * Tells why a call has not started, for callers that wait for it their own way.
	 * @param future the future of a call submitted here
	 * @return true when it has not started because the previous call with its key has not
	 * returned; false when it has started, or waits for a free thread of its pool (each
	 * runs a call that has not returned), or is not a call submitted here
	 */
	public static boolean isQueuedBehindKey(Future<?> future) {
		Objects.requireNonNull(future, "future must not be null");
		return future instanceof KeyedCall<?> call && !call.started && call.queuedBehindKey;
	}

	/** {@return a failure's exception type and message, for an operator} */
	public static String describe(Throwable failure) {
		Objects.requireNonNull(failure, "failure must not be null");
		String message = failure.getMessage();
		return failure.getClass().getName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * A bound as the messages show it.
	 * @param duration the bound
	 * @return it in whole seconds when it is, else in milliseconds: {@code 2s}, {@code 500ms}
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	@Override
	public void close() {
		List<Runnable> dropped = new ArrayList<>(this.executor.shutdownNow());
		dropped.addAll(this.nested.shutdownNow());
		List<KeyedCall<?>> waiting = new ArrayList<>();
		synchronized (this.busy) {
			this.busy.values().forEach(waiting::addAll);
			this.busy.clear();
		}
		// Their callers, if any still wait, learn at once that the calls will never run.
		dropped.stream().filter(Start.class::isInstance).forEach((start) -> waiting.add(((Start) start).task));
		RejectedExecutionException closed = new RejectedExecutionException("the pool is closed");
		waiting.forEach((task) -> task.fail(closed));
	}

	/**
	 * Closes the pool once the calls it runs and has queued returned, or the grace passed,
	 * whichever comes first; then as {@link #close()}.
	 * @param grace how long to wait for them
	 */
	public void close(Duration grace) {
		this.executor.shutdown();
		this.nested.shutdown();
		long deadline = System.nanoTime() + grace.toNanos();
		try {
			this.executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			this.nested.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		close();
	}

	/** {@return how many keys have a call running: none once every call has returned} */
	int busyKeys() {
		synchronized (this.busy) {
			return this.busy.size();
		}
	}

	/** {@return how many calls wait behind the running call with this key} */
	int waiting(String key) {
		synchronized (this.busy) {
			Queue<KeyedCall<?>> waiting = this.busy.get(key);
			return (waiting != null) ? waiting.size() : 0;
		}
	}

	/** A call with its key, and whether a thread has started it. */
	private static final class KeyedCall<T> extends FutureTask<T> {

		final String key;

		/** Submitted by a call of the same pool, which waits for it. */
		final boolean nested;

		/** Queued behind a running call with its key, rather than handed to the pool. */
		volatile boolean queuedBehindKey;

		volatile boolean started;

		KeyedCall(String key, Callable<T> call, boolean nested) {
			super(call);
			this.key = key;
			this.nested = nested;
		}

		void fail(Throwable failure) {
			setException(failure);
		}

	}

	/** The previous call with the same key has not returned. */
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
