package dev.unifiedplugins.protocols;

import java.util.Objects;

/**
 * A cloud resource the registry terminated, or tried to: by itself (a limit or the budget),
 * at shutdown, or for an operator. Delivered to the listeners of
 * {@link dev.unifiedplugins.cost.CloudCostGuard CloudCostGuard} and, in a Spring
 * application, published as an application event.
 *
 * @param uniqueId the unique id of the plugin that holds the resource
 * @param reason why it was terminated
 * @param hourlyUsd the resource's estimated price per hour, in USD, when it was terminated
 * @param succeeded whether the termination succeeded; a failed automatic one is tried again
 * at the next check
 * @param beforeTerminateFinished whether the plugin's
 * {@link CloudAwarePlugin#beforeTerminate beforeTerminate} returned in time, without
 * throwing, before the termination
 */
public record PluginCloudResourceTerminated(String uniqueId, Reason reason, double hourlyUsd, boolean succeeded,
		boolean beforeTerminateFinished) {

	public PluginCloudResourceTerminated {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(reason, "reason must not be null");
	}

	/**
	 * A termination whose plugin's {@link CloudAwarePlugin#beforeTerminate beforeTerminate}
	 * finished, or that had none to wait for.
	 * @param uniqueId the unique id of the plugin that holds the resource
	 * @param reason why it was terminated
	 * @param hourlyUsd the resource's estimated price per hour, in USD
	 * @param succeeded whether the termination succeeded
	 */
	public PluginCloudResourceTerminated(String uniqueId, Reason reason, double hourlyUsd, boolean succeeded) {
		this(uniqueId, reason, hourlyUsd, succeeded, true);
	}

	/**
	 * Why a resource was terminated.
	 */
	public enum Reason {

		/** Its plugin reported no activity for {@code plugins.cloud.idle-timeout}. */
		IDLE,

		/** It ran for {@code plugins.cloud.max-lifetime}. */
		LIFETIME,

		/** The running resources together cost more than {@code plugins.cost.budget.hourly-usd}. */
		BUDGET,

		/** The application stopped, with {@code plugins.shutdown.terminate-cloud-resources}. */
		SHUTDOWN,

		/** An operator asked for it. */
		OPERATOR

	}

}
