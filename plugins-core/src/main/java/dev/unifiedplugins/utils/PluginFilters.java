package dev.unifiedplugins.utils;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;

/**
 * Filters over plugin metadata. Each returns a new immutable list in the input's order.
 */
public final class PluginFilters {

	private PluginFilters() {
	}

	/**
	 * The plugins that run in the given mode.
	 * @param plugins the plugins to filter
	 * @param mode the execution mode
	 * @return the matching plugins
	 */
	public static List<PluginMetadata> byExecutionMode(Collection<PluginMetadata> plugins, PluginExecutionMode mode) {
		Objects.requireNonNull(mode, "mode must not be null");
		return filter(plugins, (plugin) -> plugin.executionMode() == mode);
	}

	/**
	 * The plugins that run on remote or cloud resources.
	 * @param plugins the plugins to filter
	 * @return the cloud plugins
	 */
	public static List<PluginMetadata> cloud(Collection<PluginMetadata> plugins) {
		return filter(plugins, PluginMetadata::isCloudExecution);
	}

	/**
	 * The plugins that run on this machine.
	 * @param plugins the plugins to filter
	 * @return the local plugins
	 */
	public static List<PluginMetadata> local(Collection<PluginMetadata> plugins) {
		return filter(plugins, PluginMetadata::isLocalExecution);
	}

	/**
	 * The plugins with a saved configuration.
	 * @param plugins the plugins to filter
	 * @return the configured plugins
	 */
	public static List<PluginMetadata> configured(Collection<PluginMetadata> plugins) {
		return filter(plugins, PluginMetadata::configured);
	}

	/**
	 * The plugins without a saved configuration.
	 * @param plugins the plugins to filter
	 * @return the unconfigured plugins
	 */
	public static List<PluginMetadata> unconfigured(Collection<PluginMetadata> plugins) {
		return filter(plugins, (plugin) -> !plugin.configured());
	}

	private static List<PluginMetadata> filter(Collection<PluginMetadata> plugins, Predicate<PluginMetadata> test) {
		Objects.requireNonNull(plugins, "plugins must not be null");
		return plugins.stream().filter(test).toList();
	}

}
