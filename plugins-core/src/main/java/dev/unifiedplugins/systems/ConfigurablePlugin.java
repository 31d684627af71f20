package dev.unifiedplugins.systems;

/**
 * A plugin that takes a typed configuration. A {@link PluginLifecycle} calls
 * {@link #configure} once after creating the instance and before anyone can reach it,
 * and again on a bean that is reloaded in place (a singleton cannot be created twice).
 * The configuration is the saved values over the schema's defaults, bound to {@code C}.
 * <p>
 * While the plugin is loaded, every save of its configuration asks {@link #validate}
 * first, after the schema's check: the plugin may refuse what its schema cannot express.
 *
 * @param <C> the configuration class, also the source of the plugin's JSON Schema unless
 * {@link PluginInfo#configClass()} names another
 */
@FunctionalInterface
public interface ConfigurablePlugin<C> {

	/**
	 * Applies a configuration. Throwing fails the load: the previous instance, if any, keeps
	 * running and the error is shown in the plugin's endpoint entry.
	 * @param config the configuration
	 */
	void configure(C config);

	/**
	 * Checks a configuration about to be saved, without applying it: throwing refuses it,
	 * and nothing is written. Asked of the loaded instance only, by a
	 * {@link PluginLifecycle} (for every save through the registry: Java, the
	 * {@code plugins} endpoint, the settings page, and their dry runs), once the
	 * configuration matches the schema; a plugin that is not loaded is not asked. The
	 * configuration is the one {@link #configure} would get: the values to save over the
	 * schema's defaults.
	 * <p>
	 * The exception's message is the refusal shown to whoever saves (over HTTP, a violation
	 * of the whole configuration): say what is wrong and what would be right, and never
	 * quote a value, which may be a secret. To name where, throw a
	 * {@link dev.unifiedplugins.config.PluginConfigValidationException} with violations at
	 * their JSON Pointers. The call is bounded in time (see
	 * {@link PluginLifecycle#PluginLifecycle(dev.unifiedplugins.core.UnifiedPluginRegistry, java.time.Duration)});
	 * a plugin that does not answer in time has the save refused. It may run on another
	 * thread than the save, and at the same time as the plugin's work: do not change the
	 * plugin's state here.
	 * @param config the configuration
	 */
	default void validate(C config) {
	}

}
