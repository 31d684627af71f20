package dev.unifiedplugins.core;

import java.util.Map;

/**
 * A check that every save of a plugin's configuration passes before anything is written,
 * after the schema's: see {@link UnifiedPluginRegistry#addConfigValidator}. A
 * {@link dev.unifiedplugins.systems.PluginLifecycle} adds one that asks the loaded plugin
 * ({@code ConfigurablePlugin.validate}).
 */
@FunctionalInterface
public interface PluginConfigValidator {

	/**
	 * Checks a configuration about to be saved. Called in the saving thread, with no lock
	 * of the registry held; a check that may take long bounds its own time.
	 * @param uniqueId the plugin's unique id
	 * @param config the configuration the plugin would be configured with: the values to
	 * save over the schema's defaults, nested objects merged key by key; immutable
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException to refuse the
	 * configuration, saying why; nothing is written. Any other exception also stops the
	 * save, and is the save's failure
	 */
	void validate(String uniqueId, Map<String, Object> config);

}
