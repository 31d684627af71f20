package dev.unifiedplugins.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of what happens to plugin resources when the application
 * stops, and after it crashed.
 */
@ConfigurationProperties("plugins.shutdown")
public class PluginsShutdownProperties {

	/**
	 * Whether to force the cleanup of every lifecycle-aware plugin (its child processes,
	 * containers) when the application context closes.
	 */
	private boolean cleanup = true;

	/**
	 * Whether to terminate running cloud resources when the application context closes.
	 */
	private boolean terminateCloudResources = false;

	/**
	 * Upper bound on the whole shutdown cleanup.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	/**
	 * Whether to end, at startup, plugin processes left running by a previous run of the
	 * application that died without cleaning up.
	 */
	private boolean reapOrphans = true;

	/**
	 * How often to record the processes plugins manage, so that a run that crashes
	 * leaves a record for the next start to end them.
	 */
	private Duration trackInterval = Duration.ofSeconds(5);

	public boolean isCleanup() {
		return this.cleanup;
	}

	public void setCleanup(boolean cleanup) {
		this.cleanup = cleanup;
	}

	public boolean isTerminateCloudResources() {
		return this.terminateCloudResources;
	}

	public void setTerminateCloudResources(boolean terminateCloudResources) {
		this.terminateCloudResources = terminateCloudResources;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public boolean isReapOrphans() {
		return this.reapOrphans;
	}

	public void setReapOrphans(boolean reapOrphans) {
		this.reapOrphans = reapOrphans;
	}

	public Duration getTrackInterval() {
		return this.trackInterval;
	}

	public void setTrackInterval(Duration trackInterval) {
		this.trackInterval = trackInterval;
	}

}
