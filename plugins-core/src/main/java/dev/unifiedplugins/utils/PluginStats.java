package dev.unifiedplugins.utils;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
		byCategory = (byCategory instanceof SortedCounts) ? byCategory : sortedCopy(byCategory);
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
		// Counted per run of plugins of the same category (the registry's lists are grouped by
		// category), in a hash map in the order categories first appear: registration order,
		// often sorted already, so that usually no sort and no second map is needed.
		Map<String, Integer> byCategory = new LinkedHashMap<>();
		String runCategory = null;
		int runLength = 0;
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
				if (runCategory != null) {
					byCategory.merge(runCategory, runLength, Integer::sum);
				}
				runCategory = plugin.category();
				runLength = 0;
			}
			runLength++;
		}
		if (runCategory != null) {
			byCategory.merge(runCategory, runLength, Integer::sum);
		}
		int total = plugins.size();
		return new PluginStats(total, configured, total - configured, local, total - local, active,
				isSorted(byCategory.keySet()) ? new SortedCounts(byCategory) : sortedCopy(byCategory));
	}

	private static boolean isSorted(Collection<String> keys) {
		String previous = null;
		for (String key : keys) {
			if (previous != null && previous.compareTo(key) > 0) {
				return false;
			}
			previous = key;
		}
		return true;
	}

	/**
	 * An unmodifiable copy sorted by key, in a hash map for O(1) lookups. The keys are sorted
	 * with {@link Arrays#sort}, which takes linear time on input that is sorted already.
	 */
	private static Map<String, Integer> sortedCopy(Map<String, Integer> map) {
		String[] keys = map.keySet().toArray(new String[0]);
		Arrays.sort(keys);
		Map<String, Integer> sorted = new LinkedHashMap<>(keys.length * 2);
		for (String key : keys) {
			sorted.put(key, map.get(key));
		}
		return new SortedCounts(sorted);
	}

	/** Counts sorted by category, unmodifiable; the canonical constructor keeps it as is. */
	private static final class SortedCounts extends AbstractMap<String, Integer> {

		private final Map<String, Integer> counts;

		SortedCounts(Map<String, Integer> sorted) {
			this.counts = Collections.unmodifiableMap(sorted);
		}

		@Override
		public Set<Entry<String, Integer>> entrySet() {
			return this.counts.entrySet();
		}

		@Override
		public int size() {
			return this.counts.size();
		}

		@Override
		public boolean containsKey(Object key) {
			return this.counts.containsKey(key);
		}

		@Override
		public Integer get(Object key) {
			return this.counts.get(key);
		}

	}

}
