package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.unifiedplugins.concurrent.BoundedCalls;

/**
 * The rescans of each category: one discovery at a time on a bounded call keyed
 * {@code rescan:<category>}, and at most one more waiting to start behind it. Callers that
 * come while one waits share it, since it has read nothing yet; one that waits is dropped
 * once every caller that shares it has given up, so that a discovery that hangs has no
 * rescans pile up behind it, each to run when it returns, long after its callers were told
 * it failed.
 */
final class PendingRescans {

	private final BoundedCalls calls;

	/** The rescan of each category that waits to start. Guarded by itself. */
	private final Map<String, Pending> waiting = new HashMap<>();

	PendingRescans(BoundedCalls calls) {
		this.calls = calls;
	}

	/**
	 * Rescans a category, or joins the rescan of it that waits to start, and waits for it at
	 * most a bound; one that takes longer goes on if it has started, and is dropped if it has
	 * not and no other caller waits for it.
	 * @param rescan discovers and registers the category; it reads the category's manager
	 * when it runs, not when it was asked for
	 * @return what it registered and started
	 * @throws IllegalStateException naming the category and the bound when it has not
	 * returned in time; otherwise whatever the registration threw
	 */
	PluginLifecycle.Rediscovery rescan(String category, Callable<PluginLifecycle.Rediscovery> rescan, long boundNanos) {
		Pending pending;
		synchronized (this.waiting) {
			pending = this.waiting.get(category);
			if (pending == null) {
				pending = new Pending(category, rescan);
				this.waiting.put(category, pending);
				// Queued or handed to a thread, never run here: no plugin code under this lock.
				pending.future = this.calls.submit("rescan:" + category, pending);
			}
			pending.callers++;
		}
		try {
			return await(category, pending, boundNanos);
		}
		finally {
			leave(pending);
		}
	}

	private void leave(Pending pending) {
		synchronized (this.waiting) {
			if (--pending.callers == 0 && !pending.started) {
				this.waiting.remove(pending.category, pending);
				pending.dropped = true;
				pending.future.cancel(false);
			}
		}
	}

	private static PluginLifecycle.Rediscovery await(String category, Pending pending, long boundNanos) {
		try {
			return pending.future.get(boundNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			String why = pending.started ? "a plugin class's static initializer or pluginDescriptor() may hang"
					: "it has not started, " + (BoundedCalls.isQueuedBehindKey(pending.future)
							? "behind an earlier rescan of the category that has not returned"
							: "for every thread of the lifecycle's pool runs a plugin call that has not returned")
							+ ", and is dropped unless another caller still waits for it";
			throw new IllegalStateException("The rescan of category '" + category + "' has not returned within "
					+ BoundedCalls.format(Duration.ofNanos(boundNanos)) + " (twice plugins.resource-timeout): " + why
					+ "; a discovery that started goes on, and the category keeps its plugins until it returns", ex);
		}
		catch (ExecutionException ex) {
			throw PluginCalls.rethrowable((ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (CancellationException ex) {
			// Only when no caller waits for it, so never seen; named all the same.
			throw new IllegalStateException("The rescan of category '" + category + "' was dropped", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the rescan of category '" + category + "'", ex);
		}
	}

	/** A rescan asked for, and how many callers wait for it. Its fields are guarded by the map's lock. */
	private final class Pending implements Callable<PluginLifecycle.Rediscovery> {

		final String category;

		private final Callable<PluginLifecycle.Rediscovery> rescan;

		int callers;

		volatile boolean started;

		boolean dropped;

		/** Set under the lock as it is submitted, before another caller or its own thread can see it. */
		Future<PluginLifecycle.Rediscovery> future;

		Pending(String category, Callable<PluginLifecycle.Rediscovery> rescan) {
			this.category = category;
			this.rescan = rescan;
		}

		@Override
		public PluginLifecycle.Rediscovery call() throws Exception {
			synchronized (PendingRescans.this.waiting) {
				if (this.dropped) {
					// Its callers gave up before it started: it reads and registers nothing.
					return new PluginLifecycle.Rediscovery(List.of(), List.of());
				}
				this.started = true;
				// From now on it reads the directory: a rescan asked for later waits for the next one.
				PendingRescans.this.waiting.remove(this.category, this);
			}
			return this.rescan.call();
		}

	}

}
