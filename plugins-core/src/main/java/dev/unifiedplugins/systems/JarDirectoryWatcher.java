package dev.unifiedplugins.systems;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.config.DirectoryWatch;
import org.jspecify.annotations.Nullable;

/**
 * Rescans a category by itself when its directory of JARs changes, as
 * {@link PluginLifecycle#watch(String, Duration)} starts it. Changes are told by the file
 * system's events and, since some file systems lose them, by comparing the directory's
 * listing (names, sizes, modification times, file keys) at every check interval.
 * <p>
 * A change is rescanned once the directory has been still for the <em>settle delay</em>,
 * half the check interval and at most {@value #MAX_SETTLE_MILLIS} ms, so that a JAR being
 * copied is not read half-written. One read early all the same (a copy that pauses) fails
 * to open, and keeps the plugins it had; the next still listing is rescanned again.
 * <p>
 * Checks and rescans run on one daemon thread, {@code plugins-jar-watch-<category>}; the
 * events are awaited on another, {@code plugins-jar-events-<category>}. Both end when the
 * watcher is closed, by {@link #close()}, its lifecycle's or its manager's.
 */
public final class JarDirectoryWatcher implements AutoCloseable {

	/** The longest the directory must be still before a change is rescanned. */
	static final long MAX_SETTLE_MILLIS = 500;

	/** The longest pause between two tries to watch the directory's events while they fail. */
	static final Duration MAX_WATCH_RETRY = Duration.ofMinutes(1);

	private static final System.Logger logger = System.getLogger(JarDirectoryWatcher.class.getName());

	private final Path directory;

	private final String category;

	private final Supplier<@Nullable JarDirectoryState> discovered;

	private final Runnable rescan;

	private final long settleNanos;

	private final long checkNanos;

	private final ScheduledExecutorService scheduler;

	/** Events seen, and when the last one came: set on the events thread. */
	private final AtomicLong events = new AtomicLong();

	private volatile long lastEventAt;

	private final AtomicBoolean checkScheduled = new AtomicBoolean();

	private volatile @Nullable ScheduledFuture<?> scheduledCheck;

	private @Nullable DirectoryWatch watch;

	/** The pause after the last failed try to watch events, doubling from the check interval; 0 after none. */
	private long watchRetryNanos;

	private long nextWatchTry;

	private volatile boolean closed;

	private volatile @Nullable Thread worker;

	// Read and written by checks only, one at a time on the scheduler's thread.

	private @Nullable JarDirectoryState observed;

	private long observedAt = System.nanoTime();

	private long eventsHandled;

	private boolean due;

	private @Nullable String readFailure;

	/**
	 * Starts watching.
	 * @param directory the directory of JARs; one that does not exist yet is checked until
	 * it does
	 * @param category the category, for thread names and logs
	 * @param checkInterval how often the listing is compared, besides the events
	 * @param discovered the state of the directory when its manager last discovered it
	 * @param rescan rescans the category, on the watcher's thread
	 */
	JarDirectoryWatcher(Path directory, String category, Duration checkInterval,
			Supplier<@Nullable JarDirectoryState> discovered, Runnable rescan) {
		PeriodicTasks.requirePositive(checkInterval, "checkInterval");
		this.directory = Objects.requireNonNull(directory, "directory must not be null");
		this.category = Objects.requireNonNull(category, "category must not be null");
		this.discovered = Objects.requireNonNull(discovered, "discovered must not be null");
		this.rescan = Objects.requireNonNull(rescan, "rescan must not be null");
		this.checkNanos = checkInterval.toNanos();
		this.settleNanos = Math.min(this.checkNanos / 2, TimeUnit.MILLISECONDS.toNanos(MAX_SETTLE_MILLIS));
		this.observed = read();
		this.scheduler = PeriodicTasks.start("plugins-jar-watch-" + category, checkInterval, checkInterval,
				this::check);
		startEvents();
	}

	/** {@return the directory watched} */
	public Path getDirectory() {
		return this.directory;
	}

	/** {@return whether the watcher was closed} */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stops watching: a rescan under way is waited for (at most 5 s), and no other starts.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.scheduler.shutdown();
		ScheduledFuture<?> check = this.scheduledCheck;
		if (check != null) {
			check.cancel(false);
		}
		if (Thread.currentThread() != this.worker) {
			try {
				if (!this.scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
					logger.log(System.Logger.Level.WARNING, "The rescan of category '" + this.category
							+ "' is still running after 5 s; interrupting it");
					this.scheduler.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			if (this.watch != null) {
				this.watch.close();
				this.watch = null;
			}
		}
	}

	/**
	 * Watches the directory's events, unless it is watched already or the last try failed
	 * too recently: a host at its limit of inotify instances is not pressed at every check,
	 * which compares the listing meanwhile.
	 */
	private synchronized void startEvents() {
		if (this.watch != null || this.closed || !Files.isDirectory(this.directory)
				|| (this.watchRetryNanos > 0 && System.nanoTime() - this.nextWatchTry < 0)) {
			return;
		}
		try {
			this.watch = new DirectoryWatch(this.directory, ".jar", "plugins-jar-events-" + this.category,
					this::onEvent);
			this.watchRetryNanos = 0;
		}
		catch (UncheckedIOException ex) {
			if (this.watchRetryNanos == 0) {
				logger.log(System.Logger.Level.WARNING, "Cannot watch plugin JARs in " + this.directory
						+ " for changes; comparing its listing at each check, and trying again at most every "
						+ MAX_WATCH_RETRY.toSeconds() + " s", ex);
			}
			this.watchRetryNanos = Math.min((this.watchRetryNanos == 0) ? this.checkNanos : this.watchRetryNanos * 2,
					MAX_WATCH_RETRY.toNanos());
			this.nextWatchTry = System.nanoTime() + this.watchRetryNanos;
		}
	}

	private void onEvent() {
		this.lastEventAt = System.nanoTime();
		this.events.incrementAndGet();
		checkIn(this.settleNanos);
	}

	/** Has a check run soon, unless one is scheduled already. */
	private void checkIn(long nanos) {
		if (this.closed || !this.checkScheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			this.scheduledCheck = this.scheduler.schedule(() -> {
				this.checkScheduled.set(false);
				check();
			}, nanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed meanwhile
		}
	}

	private void check() {
		if (this.closed) {
			return;
		}
		this.worker = Thread.currentThread();
		try {
			checkNow();
		}
		catch (RuntimeException | LinkageError ex) {
			logger.log(System.Logger.Level.WARNING, "Rescanning the plugin JARs of category '" + this.category
					+ "' in " + this.directory + " failed", ex);
		}
	}

	private void checkNow() {
		startEvents();
		JarDirectoryState now = read();
		if (now == null) {
			return;
		}
		long time = System.nanoTime();
		long events = this.events.get();
		boolean eventSeen = events != this.eventsHandled;
		this.eventsHandled = events;
		if (eventSeen || !now.equals(this.observed)) {
			this.observed = now;
			// The last event tells when the directory last changed; without one (lost) it is now.
			this.observedAt = eventSeen ? this.lastEventAt : time;
			this.due = true;
		}
		if (!this.due && now.equals(this.discovered.get())) {
			return;
		}
		long still = time - this.observedAt;
		if (still < this.settleNanos) {
			checkIn(this.settleNanos - still);
			return;
		}
		this.due = false;
		logger.log(System.Logger.Level.INFO, () -> "Plugin JARs in " + this.directory + " changed; rescanning category '"
				+ this.category + "'");
		this.rescan.run();
	}

	/** The directory's state, or null when it cannot be listed (logged once until it can). */
	private @Nullable JarDirectoryState read() {
		try {
			JarDirectoryState state = JarDirectoryState.read(this.directory);
			if (this.readFailure != null) {
				this.readFailure = null;
				logger.log(System.Logger.Level.INFO, "Plugin JARs in " + this.directory + " can be listed again");
			}
			return state;
		}
		catch (UncheckedIOException ex) {
			if (this.readFailure == null) {
				logger.log(System.Logger.Level.WARNING, "Cannot list plugin JARs in " + this.directory
						+ "; trying again at each check", ex);
			}
			this.readFailure = ex.getMessage();
			return null;
		}
	}

}
