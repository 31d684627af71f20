package dev.unifiedplugins.lifecycle;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Guards against orphan plugin processes after a crash. At start it ends the processes a
 * previous run of the application recorded and left behind; while running it records the
 * processes plugins manage every {@code plugins.shutdown.track-interval}; after a clean
 * shutdown it forgets them.
 */
public class ManagedProcessTracker implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ManagedProcessTracker.class);

	private final ManagedProcessLedger ledger;

	private final PluginInspector inspector;

	private final Duration interval;

	private final boolean reapOrphans;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a tracker.
	 * @param ledger where processes are recorded
	 * @param inspector how plugins are asked for their processes
	 * @param interval how often to record them
	 * @param reapOrphans whether to end a crashed previous run's processes at start
	 */
	public ManagedProcessTracker(ManagedProcessLedger ledger, PluginInspector inspector, Duration interval,
			boolean reapOrphans) {
		this.ledger = ledger;
		this.inspector = inspector;
		this.interval = interval;
		this.reapOrphans = reapOrphans;
	}

	@Override
	public void start() {
		if (this.reapOrphans) {
			try {
				// The ledger logs what it ended, once, naming the run that left it.
				this.ledger.reapOrphans();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not check for orphan plugin processes", ex);
			}
		}
		this.scheduler = PeriodicTasks.start("plugins-process-tracker", Duration.ZERO, this.interval, this::recordNow);
	}

	/** Records the processes plugins manage now. */
	public void recordNow() {
		try {
			Set<Long> pids = new LinkedHashSet<>();
			this.inspector.inspectAll(1.0).managedPids().values().forEach(pids::addAll);
			this.ledger.record(pids);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record managed plugin processes", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			this.scheduler = null;
			this.ledger.clear();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		// Stops after PluginsShutdownLifecycle has cleaned up, so a crash during cleanup still
		// leaves the record behind.
		return PluginsShutdownLifecycle.PHASE - 1;
	}

}
