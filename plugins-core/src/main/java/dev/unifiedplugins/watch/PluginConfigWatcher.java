package dev.unifiedplugins.watch;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a registry in step with configurations changed elsewhere: it has the registry
 * {@linkplain UnifiedPluginRegistry#refreshConfigurations() refresh} as soon as the store
 * reports a change ({@link dev.unifiedplugins.config.PluginConfigStore#watch}), and every
 * rescan interval in any case, since notices can be lost. A store that cannot be read is
 * logged once, read again every {@link #RETRY_INTERVAL} (or rescan interval, if shorter),
 * and reported by {@link #getStoreFailure()} until it can be read again: a read that fails
 * just after a notice, or after the store's watch reconnected, is not left to the next
 * rescan, which may be far off when the store's notices work.
 */
public final class PluginConfigWatcher implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(PluginConfigWatcher.class.getName());

	/** How soon a read of the store that failed is tried again, unless the rescan interval is shorter. */
	public static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

	private final UnifiedPluginRegistry registry;

	private final Duration rescanInterval;

	private final AtomicBoolean refreshPending = new AtomicBoolean();

	/** One retry at a time: each failed read, rescans included, would otherwise start a chain of its own. */
	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile @Nullable AutoCloseable watch;

	private volatile @Nullable String storeFailure;

	/**
	 * Creates a watcher; {@link #start()} starts it.
	 * @param registry the registry to keep in step
	 * @param rescanInterval how often to compare all revisions, whatever the store reports
	 */
	public PluginConfigWatcher(UnifiedPluginRegistry registry, Duration rescanInterval) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.rescanInterval = PeriodicTasks.requirePositive(rescanInterval, "rescanInterval");
	}

	/** Starts watching; does nothing when already started. */
	public synchronized void start() {
		if (this.scheduler != null) {
			return;
		}
		this.scheduler = PeriodicTasks.start("plugins-config-rescan", this.rescanInterval, this.rescanInterval,
				this::refresh);
		try {
			this.watch = this.registry.getConfigStore().watch(this::requestRefresh);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot watch the plugin config store for changes; rescanning it every "
					+ this.rescanInterval.toMillis() + " ms instead", ex);
		}
	}

	/**
	 * Has the registry refresh soon, on the watcher's thread; requests that come while one
	 * is pending are one.
	 */
	public void requestRefresh() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null && this.refreshPending.compareAndSet(false, true)) {
			try {
				scheduler.execute(this::refresh);
			}
			catch (RuntimeException ex) {
				this.refreshPending.set(false); // closed
			}
		}
	}

	/** {@return why the store could not be read at the last attempt, or null when it could} */
	public @Nullable String getStoreFailure() {
		return this.storeFailure;
	}

	private void refresh() {
		this.refreshPending.set(false);
		try {
			this.registry.refreshConfigurations();
			if (this.storeFailure != null) {
				logger.log(System.Logger.Level.INFO, "The plugin config store can be read again");
				this.storeFailure = null;
			}
		}
		catch (RuntimeException ex) {
			if (this.storeFailure == null) {
				logger.log(System.Logger.Level.WARNING, "Cannot read the plugin config store; retrying every "
						+ retryInterval().toMillis() + " ms", ex);
			}
			this.storeFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			retrySoon();
		}
	}

	private Duration retryInterval() {
		return (this.rescanInterval.compareTo(RETRY_INTERVAL) < 0) ? this.rescanInterval : RETRY_INTERVAL;
	}

	/** Has the registry refresh again after the retry interval, when the next rescan is later. */
	private void retrySoon() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null && this.rescanInterval.compareTo(RETRY_INTERVAL) > 0
				&& this.retryScheduled.compareAndSet(false, true)) {
			try {
				scheduler.schedule(() -> {
					this.retryScheduled.set(false);
					requestRefresh();
				}, RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RuntimeException ex) {
				this.retryScheduled.set(false); // closed
			}
		}
	}

	@Override
	public synchronized void close() {
		AutoCloseable watch = this.watch;
		this.watch = null;
		if (watch != null) {
			try {
				watch.close();
			}
			catch (Exception ex) {
				logger.log(System.Logger.Level.DEBUG, "Closing the config store's watch failed", ex);
			}
		}
		ScheduledExecutorService scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
		}
	}

}
