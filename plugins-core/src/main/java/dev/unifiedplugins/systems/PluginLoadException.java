package dev.unifiedplugins.systems;

/**
 * Thrown when a plugin cannot be loaded: its configuration does not bind, its constructor
 * or {@link ConfigurablePlugin#configure} throws. The previous instance, if any, stays
 * loaded.
 */
public class PluginLoadException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what failed, naming the plugin
	 * @param cause the failure
	 */
	public PluginLoadException(String message, Throwable cause) {
		super(message, cause);
	}

}
