package dev.unifiedplugins.core;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * One domain-specific plugin system ("transcription", "llm"...), registered with the
 * {@link UnifiedPluginRegistry} as a category.
 */
public interface PluginManager {

	/**
	 * Discovers the plugins this manager offers. Called once per registration.
	 * @return a descriptor per plugin, names unique within this manager
	 */
	List<PluginDescriptor> discoverPlugins();

	/**
	 * The live instance of a plugin if it is already loaded. The registry reaches the
	 * lifecycle and cloud protocols through it. It must not load or start anything: the
	 * endpoint, health and shutdown call it for every plugin.
	 * @param name the plugin's name
	 * @return the loaded instance, or empty when it is not loaded
	 */
	default Optional<Object> getPlugin(String name) {
		return Optional.empty();
	}

	/**
	 * The category this manager registers as.
	 * @return the category, or null to let the caller decide (Spring uses the bean name)
	 */
	default @Nullable String category() {
		return null;
	}

	/**
	 * The category's display name.
	 * @return the display name, or null to let the caller decide
	 */
	default @Nullable String displayName() {
		return null;
	}

}
