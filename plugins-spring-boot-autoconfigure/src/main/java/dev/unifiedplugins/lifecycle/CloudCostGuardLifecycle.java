package dev.unifiedplugins.lifecycle;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link CloudCostGuard} every {@code plugins.cloud.check-interval} while the
 * application runs, and publishes each {@link PluginCloudResourceTerminated} and
 * {@link CloudCostGuard.BudgetExceeded} as an application event, those of the shutdown
 * that follows its stop included. When it stops, the instance leaves the cloud cost fleet.
 */
public class CloudCostGuardLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(CloudCostGuardLifecycle.class);

	private final CloudCostGuard guard;

	private final Duration interval;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates the lifecycle.
	 * @param guard the guard to run
	 * @param interval how often to run it
	 * @param publisher where to publish its events
	 */
	public CloudCostGuardLifecycle(CloudCostGuard guard, Duration interval, ApplicationEventPublisher publisher) {
		this.guard = guard;
		this.interval = interval;
		// For as long as the guard lives: the terminations of the shutdown that follows this
		// lifecycle's stop are published too.
		guard.addListener(publisher::publishEvent);
		guard.addBudgetListener(publisher::publishEvent);
	}

	@Override
	public void start() {
		this.scheduler = PeriodicTasks.start("plugins-cloud-cost", Duration.ZERO, this.interval, this::checkNow);
	}

	private void checkNow() {
		try {
			this.guard.check();
		}
		catch (RuntimeException ex) {
			// The guard does not throw; a listener's failure must not end the schedule either.
			logger.warn("Cloud cost check failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			this.scheduler = null;
			this.guard.leaveFleet();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		// Stops before PluginsShutdownLifecycle cleans up, so the two never terminate at once.
		return PluginsShutdownLifecycle.PHASE + 1;
	}

}
