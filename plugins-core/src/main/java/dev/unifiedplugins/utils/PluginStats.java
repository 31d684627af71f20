package dev.unifiedplugins.utils;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
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
		// category, often in sorted order): usually no hashing, no sort and no map entries.
		String[] names = new String[16];
		int[] lengths = new int[16];
		int runs = 0;
		String runCategory = null;
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
			String category = plugin.category();
			if (!category.equals(runCategory)) {
				if (runs == names.length) {
					names = Arrays.copyOf(names, runs * 2);
					lengths = Arrays.copyOf(lengths, runs * 2);
				}
				names[runs] = category;
				runs++;
				runCategory = category;
			}
			lengths[runs - 1]++;
		}
		int total = plugins.size();
		return new PluginStats(total, configured, total - configured, local, total - local, active,
				SortedCounts.of(names, lengths, runs));
	}

	/**
	 * An unmodifiable copy sorted by key.
	 */
	private static Map<String, Integer> sortedCopy(Map<String, Integer> map) {
		String[] keys = map.keySet().toArray(new String[0]);
		Arrays.sort(keys);
		Integer[] values = new Integer[keys.length];
		for (int i = 0; i < keys.length; i++) {
			values[i] = map.get(keys[i]);
		}
		return new SortedCounts(keys, values);
	}

	/**
	 * Counts sorted by category in two arrays, unmodifiable; lookups are binary searches.
	 * The canonical constructor keeps it as is.
	 */
	private static final class SortedCounts extends AbstractMap<String, Integer> {

		private final String[] keys;

		private final Integer[] values;

		SortedCounts(String[] keys, Integer[] values) {
			this.keys = keys;
			this.values = values;
		}

		/** Counts from runs of categories, merging repeated categories. */
		static SortedCounts of(String[] names, int[] lengths, int runs) {
			boolean ascending = true;
			for (int i = 1; i < runs && ascending; i++) {
				ascending = names[i - 1].compareTo(names[i]) < 0;
			}
			if (ascending) {
				Integer[] values = new Integer[runs];
				for (int i = 0; i < runs; i++) {
					values[i] = lengths[i];
				}
				return new SortedCounts(Arrays.copyOf(names, runs), values);
			}
			Integer[] order = new Integer[runs];
			for (int i = 0; i < runs; i++) {
				order[i] = i;
			}
			Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
			String[] keys = new String[runs];
			Integer[] values = new Integer[runs];
			int size = 0;
			for (int index : order) {
				if (size > 0 && keys[size - 1].equals(names[index])) {
					values[size - 1] += lengths[index];
				}
				else {
					keys[size] = names[index];
					values[size] = lengths[index];
					size++;
				}
			}
			return new SortedCounts(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
		}

		@Override
		public Set<Entry<String, Integer>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<String, Integer>> iterator() {
					return new Iterator<>() {

						private int next;

						@Override
						public boolean hasNext() {
							return this.next < SortedCounts.this.keys.length;
						}

						@Override
						public Entry<String, Integer> next() {
							if (!hasNext()) {
								throw new NoSuchElementException();
							}
							int i = this.next++;
							return new SimpleImmutableEntry<>(SortedCounts.this.keys[i], SortedCounts.this.values[i]);
						}

					};
				}

				@Override
				public int size() {
					return SortedCounts.this.keys.length;
				}

			};
		}

		@Override
		public int size() {
			return this.keys.length;
		}

		@Override
		public boolean containsKey(Object key) {
			return indexOf(key) >= 0;
		}

		@Override
		public Integer get(Object key) {
			int index = indexOf(key);
			return (index >= 0) ? this.values[index] : null;
		}

		private int indexOf(Object key) {
			return (key instanceof String name) ? Arrays.binarySearch(this.keys, name) : -1;
		}

	}

}
