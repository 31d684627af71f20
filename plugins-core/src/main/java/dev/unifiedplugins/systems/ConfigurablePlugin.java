package dev.unifiedplugins.systems;

/**
 * A plugin that takes a typed configuration. A {@link PluginLifecycle} calls
 * {@link #configure} once after creating the instance and before anyone can reach it,
 * and again on a bean that is reloaded in place (a singleton cannot be created twice).
 * The configuration is the saved values over the schema's defaults, bound to {@code C}.
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

}
