package dev.unifiedplugins.observation;

/**
 * An operation on a plugin that is observed, with the name of its observation.
 */
public enum PluginOperation {

	/** A plugin created and configured: {@code plugins.load}. */
	LOAD("plugins.load"),

	/** A loaded plugin replaced after its configuration or its JAR changed: {@code plugins.reload}. */
	RELOAD("plugins.reload"),

	/** A loaded plugin cleaned up and dropped: {@code plugins.unload}. */
	UNLOAD("plugins.unload"),

	/** A plugin's {@code forceCleanup()} when the application stops: {@code plugins.cleanup}. */
	CLEANUP("plugins.cleanup"),

	/** A plugin's configuration saved through the registry: {@code plugins.config.save}. */
	CONFIG_SAVE("plugins.config.save"),

	/** A plugin's cloud resource terminated: {@code plugins.cloud.terminate}. */
	CLOUD_TERMINATE("plugins.cloud.terminate"),

	/**
	 * A plugin's last word before its cloud resource is terminated, its
	 * {@code beforeTerminate}: {@code plugins.cloud.before-terminate}.
	 */
	CLOUD_BEFORE_TERMINATE("plugins.cloud.before-terminate");

	private final String observationName;

	PluginOperation(String observationName) {
		this.observationName = observationName;
	}

	/** {@return the name of the operation's observation and timer} */
	public String observationName() {
		return this.observationName;
	}

}
