package dev.unifiedplugins.cost;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.RegisteredPlugin;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import org.jspecify.annotations.Nullable;

/**
 * Asks every cloud-aware plugin of a registry, in parallel and each call bounded, for its
 * running resource, price and last activity: the first step of each
 * {@link CloudCostGuard} check.
 */
public final class CloudResourceSurvey {

	private static final System.Logger logger = System.getLogger(CloudResourceSurvey.class.getName());

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	CloudResourceSurvey(UnifiedPluginRegistry registry, BoundedCalls calls, Duration timeout) {
		this.registry = registry;
		this.calls = calls;
		this.timeout = timeout;
	}

	void setObserver(PluginCallObserver observer) {
		this.observer = observer;
	}

	/** Asks every registered plugin. */
	Answers observe() {
		Map<String, Observation> running = new LinkedHashMap<>();
		Set<String> stopped = new HashSet<>();
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Map<String, Future<@Nullable Observation>> asked = new LinkedHashMap<>();
		for (RegisteredPlugin plugin : this.registry.getRegistrations()) {
			String id = plugin.uniqueId();
			asked.put(id, this.calls.submit(key(id), this.observer.inContext(id, plugin.metadata().category(), () -> observe(id))));
		}
		asked.forEach((id, future) -> {
			try {
				Observation observation = BoundedCalls.await(future, deadline, this.timeout);
				if (observation != null) {
					running.put(id, observation);
				}
				else {
					stopped.add(id);
				}
			}
			catch (BoundedCalls.PluginCallException ex) {
				logger.log(System.Logger.Level.DEBUG,
						"Could not ask plugin '" + id + "' for its cloud resource: " + ex.getMessage());
			}
		});
		return new Answers(running, stopped, asked.keySet());
	}

	private @Nullable Observation observe(String id) {
		Object instance = this.registry.getPluginInstance(id).orElse(null);
		if (!(instance instanceof CloudAwarePlugin cloud)) {
			return null;
		}
		RemoteResourceInfo resource = cloud.getRemoteResourceInfo();
		if (resource == null || !resource.isRunning()) {
			return null;
		}
		double hourly = PluginInspector.requireFinite(cloud.estimateCost(1.0), "estimateCost(1.0)");
		Optional<Instant> lastActivity = cloud.getLastActivity();
		return new Observation(cloud, identity(resource), hourly,
				(lastActivity != null) ? lastActivity.orElse(null) : null);
	}

	/**
	 * The key of a plugin's cloud calls: the guard's checks and terminations and an
	 * operator's termination wait for each other.
	 */
	public static String key(String id) {
		return "cost:" + id;
	}

	/** What tells one resource from the next one its plugin provisions. */
	private static String identity(RemoteResourceInfo resource) {
		return resource.provider() + "|" + resource.instanceId() + "|" + resource.jobId() + "|"
				+ resource.endpointUrl();
	}

	/**
	 * What the plugins answered. A plugin that did not answer in time is in neither
	 * {@code running} nor {@code stopped}.
	 *
	 * @param running the running resources by unique id, in registration order; mutable, so
	 * that a check removes what it terminates
	 * @param stopped the plugins known to run none
	 * @param asked every plugin asked
	 */
	record Answers(Map<String, Observation> running, Set<String> stopped, Set<String> asked) {
	}

	/**
	 * A running resource as its plugin described it.
	 *
	 * @param plugin the plugin
	 * @param identity what tells this resource from the plugin's next one
	 * @param hourlyUsd its price per hour
	 * @param lastActivity the plugin's last activity, or null when unknown
	 */
	record Observation(CloudAwarePlugin plugin, String identity, double hourlyUsd, @Nullable Instant lastActivity) {
	}

}
