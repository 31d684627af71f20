package dev.unifiedplugins.cost;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.cost.CloudCostGuard.Termination;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Terminates the resources a {@link CloudCostGuard} decides to end, each call bounded, and
 * keeps what every termination did: the plugin's last termination, the log line, and the
 * event to the listeners. Terminations done elsewhere (at shutdown, by an operator) are
 * recorded here too, so that all of them reach the same listeners.
 */
final class CloudResourceTerminator {

	private static final System.Logger logger = System.getLogger(CloudResourceTerminator.class.getName());

	private final BoundedCalls calls;

	private final CloudCostGuard.Settings settings;

	private final Listeners<PluginCloudResourceTerminated> listeners;

	private final UnaryOperator<String> categories;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	private volatile BeforeTerminateHook beforeTerminate;

	/** Guarded by this. */
	private final Map<String, Termination> lastTerminations = new LinkedHashMap<>();

	CloudResourceTerminator(BoundedCalls calls, CloudCostGuard.Settings settings,
			Listeners<PluginCloudResourceTerminated> listeners, UnaryOperator<String> categories) {
		this.calls = calls;
		this.categories = categories;
		this.settings = settings;
		this.listeners = listeners;
		this.beforeTerminate = new BeforeTerminateHook(calls, BeforeTerminateHook.DEFAULT_TIMEOUT);
	}

	void setBeforeTerminateTimeout(Duration timeout) {
		this.beforeTerminate = new BeforeTerminateHook(this.calls, timeout);
	}

	void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	/**
	 * Gives the plugin its last word, then terminates its resource, each bounded and
	 * observed; returns whether the termination succeeded. Never throws.
	 */
	boolean terminate(String id, Observation observation, Reason reason, Instant now) {
		String category = this.categories.apply(id);
		boolean finished = this.beforeTerminate.call(id, category, observation.plugin(), reason, this.observer);
		return this.observer.observe(PluginOperation.CLOUD_TERMINATE, id, category,
				Map.of("reason", reason.name().toLowerCase(Locale.ROOT)),
				() -> terminate(id, category, observation, reason, now, finished));
	}

	private boolean terminate(String id, String category, Observation observation, Reason reason, Instant now,
			boolean beforeTerminateFinished) {
		Duration timeout = this.settings.callTimeout();
		String error = null;
		try {
			Boolean result = BoundedCalls.await(
					this.calls.submit(CloudResourceSurvey.key(id),
							this.observer.inContext(id, category, observation.plugin()::terminateRemoteResource)),
					System.nanoTime() + timeout.toNanos(), timeout);
			if (!Boolean.TRUE.equals(result)) {
				error = "terminateRemoteResource() returned false";
			}
		}
		catch (BoundedCalls.PluginCallException ex) {
			error = "terminateRemoteResource(): " + ex.getMessage();
		}
		boolean succeeded = error == null;
		String what = "the cloud resource of plugin '" + id + "' (" + describe(reason, category) + "), priced "
				+ observation.hourlyUsd() + " USD per hour";
		if (succeeded) {
			logger.log(System.Logger.Level.WARNING, "Terminated " + what);
		}
		else {
			logger.log(System.Logger.Level.WARNING,
					"Could not terminate " + what + ": " + error + "; trying again at the next check");
		}
		record(new PluginCloudResourceTerminated(id, reason, observation.hourlyUsd(), succeeded,
				beforeTerminateFinished), now, error);
		return succeeded;
	}

	/** Remembers a termination as its plugin's last, and delivers it to the listeners. */
	void record(PluginCloudResourceTerminated event, Instant at, @Nullable String error) {
		synchronized (this) {
			this.lastTerminations.put(event.uniqueId(),
					new Termination(at, event.reason(), event.hourlyUsd(), event.succeeded(), error,
							event.beforeTerminateFinished()));
		}
		this.listeners.deliver(event);
	}

	synchronized Map<String, Termination> lastTerminations() {
		return Map.copyOf(this.lastTerminations);
	}

	private String describe(Reason reason, String category) {
		return switch (reason) {
			case IDLE -> "no activity for plugins.cloud.idle-timeout=" + this.settings.idleTimeout();
			case LIFETIME -> "running for plugins.cloud.max-lifetime=" + this.settings.maxLifetime();
			case BUDGET -> "over " + BudgetScopes.describe(this.settings, category);
			default -> reason.name();
		};
	}

}
