package dev.unifiedplugins.config;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A save or delete could not get its plugin's configuration within
 * {@code plugins.lock-timeout}: another writer (a thread, a process, another instance, a
 * person in a database console) held it that long. Nothing was written; try again later.
 * The message names the plugin and the wait, never a value.
 */
public class PluginConfigBusyException extends PluginConfigException {

	private final String uniqueId;

	private final Duration waited;

	/**
	 * Creates an exception.
	 * @param uniqueId the plugin's unique id
	 * @param waited how long the call waited before giving up
	 * @param cause the underlying error (a lock wait that expired), or null
	 */
	public PluginConfigBusyException(String uniqueId, Duration waited, @Nullable Throwable cause) {
		super(null, "The configuration of plugin '" + uniqueId + "' is being written by another writer: gave up after "
				+ waited.toMillis() + " ms (plugins.lock-timeout); nothing was written, try again later", cause);
		this.uniqueId = uniqueId;
		this.waited = waited;
	}

	/** {@return the unique id of the plugin whose configuration was busy} */
	public String getUniqueId() {
		return this.uniqueId;
	}

	/** {@return how long the call waited} */
	public Duration getWaited() {
		return this.waited;
	}

}
