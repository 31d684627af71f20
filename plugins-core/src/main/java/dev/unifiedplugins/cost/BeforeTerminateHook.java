package dev.unifiedplugins.cost;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;

/**
 * Gives a plugin its last word before its cloud resource is terminated: calls its
 * {@link CloudAwarePlugin#beforeTerminate beforeTerminate}, bounded, observed as
 * {@code plugins.cloud.before-terminate}, in the plugin's log context. Every path that
 * terminates (the cost guard's limits and budget, shutdown, an operator) goes through one.
 */
public final class BeforeTerminateHook {

	/** The default bound, that of {@code plugins.cloud.before-terminate-timeout}. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private static final System.Logger logger = System.getLogger(BeforeTerminateHook.class.getName());

	private final BoundedCalls calls;

	private final Duration timeout;

	/**
	 * Creates a hook.
	 * @param calls where the calls run
	 * @param timeout the bound on each call
	 */
	public BeforeTerminateHook(BoundedCalls calls, Duration timeout) {
		this.calls = Objects.requireNonNull(calls, "calls must not be null");
		this.timeout = PeriodicTasks.requirePositive(timeout, "timeout");
	}

	/** {@return the bound on each call} */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Calls a plugin's {@code beforeTerminate}, waiting at most {@link #timeout()}. Never
	 * throws: what goes wrong is logged, and the termination goes on.
	 * @param uniqueId the plugin's unique id
	 * @param category the plugin's category
	 * @param plugin the plugin
	 * @param reason why its resource is terminated
	 * @param observer what observes the call
	 * @return whether it returned in time without throwing
	 */
	public boolean call(String uniqueId, String category, CloudAwarePlugin plugin, Reason reason,
			PluginCallObserver observer) {
		return call(uniqueId, category, plugin, reason, observer, this.timeout);
	}

	/**
	 * Calls a plugin's {@code beforeTerminate} as {@link #call(String, String, CloudAwarePlugin,
	 * Reason, PluginCallObserver)} does, waiting at most the shorter of {@link #timeout()} and
	 * {@code atMost}: at shutdown, so that the termination still fits the cleanup's time.
	 * @param uniqueId the plugin's unique id
	 * @param category the plugin's category
	 * @param plugin the plugin
	 * @param reason why its resource is terminated
	 * @param observer what observes the call
	 * @param atMost a further bound
	 * @return whether it returned in time without throwing
	 */
	public boolean call(String uniqueId, String category, CloudAwarePlugin plugin, Reason reason,
			PluginCallObserver observer, Duration atMost) {
		Duration bound = atMost.isNegative() ? Duration.ZERO : (atMost.compareTo(this.timeout) < 0) ? atMost : this.timeout;
		try {
			return observer.observe(PluginOperation.CLOUD_BEFORE_TERMINATE, uniqueId, category,
					Map.of("reason", reason.name().toLowerCase(Locale.ROOT)),
					// Its own key, not the cost guard's: a hook that hangs must not hold up the
					// termination that follows it.
					() -> BoundedCalls.await(this.calls.submit("before-terminate:" + uniqueId,
							observer.inContext(uniqueId, category, () -> {
								plugin.beforeTerminate(reason);
								return true;
							})), System.nanoTime() + bound.toNanos(), bound));
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "beforeTerminate(" + reason + ") of plugin '" + uniqueId
					+ "' failed: " + ((ex instanceof BoundedCalls.PluginCallException) ? ex.getMessage()
							: BoundedCalls.describe(ex))
					+ "; terminating its cloud resource all the same");
			return false;
		}
	}

}
