package dev.unifiedplugins.protocols;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.RemoteResourceOwner;
import org.jspecify.annotations.Nullable;

/**
 * A plugin that uses remote or cloud resources, which cost money while they run.
 */
public interface CloudAwarePlugin extends RemoteResourceOwner {

	/**
	 * The resource this plugin uses now.
	 * @return the resource, or null when none is provisioned
	 */
	@Nullable RemoteResourceInfo getRemoteResourceInfo();

	/**
	 * Provisions the remote resource (VM, container, job).
	 * @param config provider-specific settings
	 * @return the provisioned resource
	 */
	RemoteResourceInfo provisionRemoteResource(Map<String, Object> config);

	/**
	 * Asks the provider for the resource's status.
	 * @return the status, such as {@code running} or {@code stopped}
	 */
	String checkRemoteResourceStatus();

	/**
	 * Terminates the resource so that it stops costing money.
	 * @return whether termination succeeded
	 */
	boolean terminateRemoteResource();

	/**
	 * Estimates the cost of running for a duration.
	 * @param durationHours the duration in hours
	 * @return the estimated cost in USD
	 */
	double estimateCost(double durationHours);

	/**
	 * When the plugin last used its resource: the last request it served, the last job it
	 * ran. The registry terminates a resource idle for longer than
	 * {@code plugins.cloud.idle-timeout}; a plugin that cannot tell returns empty and is
	 * never considered idle.
	 * @return the last activity, or empty when unknown
	 */
	default Optional<Instant> getLastActivity() {
		return Optional.empty();
	}

	/**
	 * The plugin's last word before the registry terminates its resource, for whatever
	 * reason: a place to save a checkpoint or drain a queue. Called before every
	 * termination, on one of the library's bounded-call threads; the termination goes on
	 * once it returns, throws, or has run for {@code plugins.cloud.before-terminate-timeout}
	 * (less at shutdown, where the whole cleanup has {@code plugins.shutdown.timeout}).
	 * @param reason why the resource is terminated
	 */
	default void beforeTerminate(PluginCloudResourceTerminated.Reason reason) {
	}

	/**
	 * Whether an object implements this protocol.
	 * @param plugin any plugin instance, may be null
	 * @return true when it is cloud-aware
	 */
	static boolean isCloudAware(@Nullable Object plugin) {
		return plugin instanceof CloudAwarePlugin;
	}

	/**
	 * Whether a plugin is cloud-aware and its resource is running.
	 * @param plugin any plugin instance, may be null
	 * @return true when it holds a running cloud resource
	 */
	static boolean hasActiveCloudResources(@Nullable Object plugin) {
		if (!(plugin instanceof CloudAwarePlugin cloud)) {
			return false;
		}
		RemoteResourceInfo resource = cloud.getRemoteResourceInfo();
		return resource != null && resource.isRunning();
	}

	/**
	 * The estimated cost of the plugins that hold a running cloud resource; others are
	 * ignored.
	 * @param plugins any plugin instances
	 * @param durationHours the duration in hours
	 * @return the summed estimate in USD
	 */
	static double getTotalEstimatedCost(Collection<?> plugins, double durationHours) {
		double total = 0;
		for (Object plugin : plugins) {
			if (hasActiveCloudResources(plugin)) {
				total += ((CloudAwarePlugin) plugin).estimateCost(durationHours);
			}
		}
		return total;
	}

}
