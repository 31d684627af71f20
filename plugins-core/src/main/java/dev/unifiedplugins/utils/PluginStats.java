package dev.unifiedplugins.utils;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.unifiedplugins.core.PluginMetadata;

/**
 * Counts over a set of plugins.
 *
 * @param total the number of plugins
 * @param configured how many have a saved configuration
 * @param unconfigured how many have none
 * @param local how many run on this machine
 * @param cloud how many run on remote or cloud resources
 * @param withActiveResources how many hold processes, containers or running cloud
 * resources
 * @param byCategory the number of plugins per category, sorted by category
 */
public record PluginStats(int total, int configured, int unconfigured, int local, int cloud, int withActiveResources,
		Map<String, Integer> byCategory) {

	public PluginStats {
		Objects.requireNonNull(byCategory, "byCategory must not be null");
		byCategory = Collections.unmodifiableMap(new TreeMap<>(byCategory));
	}

	/**
	 * Counts the given plugins in one pass.
	 * @param plugins the plugins
	 * @return their statistics
	 */
	public static PluginStats of(Collection<PluginMetadata> plugins) {
		Objects.requireNonNull(plugins, "plugins must not be null");
		int configured = 0;
		int local = 0;
		int active = 0;
		// Registries list a category's plugins together: one map lookup per run of them, not
		// per plugin, keeps the endpoint's per-request stats cheap at 1,000s of plugins.
		Map<String, int[]> counts = new HashMap<>();
		String runCategory = null;
		int[] runCount = null;
		for (PluginMetadata plugin : plugins) {
			if (plugin.configured()) {
				configured++;
			}
			if (plugin.isLocalExecution()) {
				local++;
			}
			if (plugin.hasActiveResources()) {
				active++;
			}
			if (!plugin.category().equals(runCategory)) {
				runCategory = plugin.category();
				runCount = counts.computeIfAbsent(runCategory, (category) -> new int[1]);
			}
			runCount[0]++;
		}
		Map<String, Integer> byCategory = new TreeMap<>();
		counts.forEach((category, count) -> byCategory.put(category, count[0]));
		int total = plugins.size();
		return new PluginStats(total, configured, total - configured, local, total - local, active, byCategory);
	}

}
