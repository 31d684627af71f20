package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import org.jspecify.annotations.Nullable;

/**
 * The calls one load or unload makes into a plugin's code, {@code configure} and
 * {@code forceCleanup}: each on a bounded call keyed by the plugin's unique id, in the
 * plugin's log context, waited for at most the bound. A plugin that hangs thus holds one
 * thread and delays its own loads only; whatever it throws, {@link Error}s included, is a
 * failure of its own.
 */
final class PluginCalls {

	private static final System.Logger logger = System.getLogger(PluginCalls.class.getName());

	private final BoundedCalls calls;

	private final Duration timeout;

	private final PluginCallObserver observer;

	private final String uniqueId;

	private final String category;

	PluginCalls(BoundedCalls calls, Duration timeout, PluginCallObserver observer, String uniqueId, String category) {
		this.calls = calls;
		this.timeout = timeout;
		this.observer = observer;
		this.uniqueId = uniqueId;
		this.category = category;
	}

	/**
	 * Configures a new instance. When {@code configure} throws, the instance is cleaned up
	 * before this throws the same; when it does not answer in time, the instance's cleanup
	 * is queued behind it, to run once it returns, if ever.
	 * @param cleanUpOnFailure false for an instance that stays loaded all the same (a
	 * singleton bean reconfigured)
	 * @param hold keeps the instance's class loader in use until its cleanup returns
	 */
	void configure(ConfigurablePlugin<?> plugin, Object config, boolean cleanUpOnFailure, Supplier<Runnable> hold) {
		Future<Object> call = submit(() -> {
			configure0(plugin, config);
			return null;
		});
		try {
			BoundedCalls.await(call, deadline(), this.timeout);
		}
		catch (BoundedCalls.PluginCallException ex) {
			// Cancelled: it did not answer, and may return later; else it threw.
			boolean abandoned = call.isCancelled();
			if (cleanUpOnFailure) {
				cleanUp(plugin, hold.get(), !abandoned);
			}
			Throwable cause = ex.getCause();
			if (abandoned || cause == null) {
				throw new IllegalStateException(
						(cause instanceof TimeoutException) ? "configure " + ex.getMessage() : "configure could not run: " + ex.getMessage());
			}
			throw rethrowable(cause);
		}
	}

	/**
	 * Cleans an instance up that is no longer loaded. The call is never cancelled: past the
	 * bound it goes on, and {@code whenOver} runs once it returned.
	 * @param whenOver runs once the cleanup is over, however it ended
	 * @param wait whether to wait for it, at most the bound
	 */
	void cleanUp(Object instance, Runnable whenOver, boolean wait) {
		if (!(instance instanceof LifecycleAwarePlugin lifecycle)) {
			whenOver.run();
			return;
		}
		Future<Object> call = submit(() -> {
			try {
				lifecycle.forceCleanup();
				return null;
			}
			finally {
				whenOver.run();
			}
		});
		if (!wait && !call.isDone()) {
			return;
		}
		try {
			call.get(Math.max(0, deadline() - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RejectedExecutionException) {
				// Never started (the lifecycle is closed): nothing holds its loader any more.
				whenOver.run();
			}
			logger.log(System.Logger.Level.WARNING, "Plugin '" + this.uniqueId + "' failed to clean up", ex.getCause());
		}
		catch (TimeoutException ex) {
			logger.log(System.Logger.Level.WARNING, "Plugin '" + this.uniqueId + "' did not clean up within "
					+ this.timeout.toMillis() + " ms; its class loader stays open until it has");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits for a load started on another thread until it is over: its calls into the
	 * plugin are bounded, its constructor, as a bean's, is not.
	 * @return why it failed, or null when it succeeded
	 */
	static @Nullable String awaitLoad(Future<?> load) {
		try {
			load.get();
			return null;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return (cause instanceof PluginLoadException) ? cause.getMessage() : PluginFailures.describe(cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while waiting for the load";
		}
	}

	/**
	 * Waits for loads and unloads started on other threads until a deadline; one that runs
	 * longer goes on, and records its own outcome, as each does.
	 */
	static void awaitAll(List<Future<?>> started, long deadline) {
		for (Future<?> future : started) {
			try {
				future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				// Recorded by the load itself, as its load error.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private <T> Future<T> submit(Callable<T> call) {
		return this.calls.submit(this.uniqueId, this.observer.inContext(this.uniqueId, this.category, call));
	}

	private long deadline() {
		return System.nanoTime() + this.timeout.toNanos();
	}

	/** What a plugin threw, to throw again here; a fatal error of its thread is not ours. */
	static RuntimeException rethrowable(Throwable failure) {
		if (failure instanceof RuntimeException runtime) {
			return runtime;
		}
		if (failure instanceof Error error && !(error instanceof VirtualMachineError)) {
			throw error;
		}
		return new IllegalStateException(PluginFailures.describe(failure), failure);
	}

	@SuppressWarnings("unchecked")
	private static void configure0(ConfigurablePlugin<?> plugin, Object config) {
		((ConfigurablePlugin<Object>) plugin).configure(config);
	}

}
