package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.processes.ProcessTable;
import org.jspecify.annotations.Nullable;

/**
 * The registrations of a {@link UnifiedPluginRegistry}, immutable, replaced whole by each
 * registration: readers never lock and never see half of one.
 *
 * @param categories in registration order; re-registering keeps a category's place
 * @param byId every plugin by unique id
 * @param ordered every plugin in registration order
 * @param sortedCategories the category names, sorted
 * @param categoriesWithPlugins the names of categories with a plugin, sorted
 */
record RegistrySnapshot(Map<String, Category> categories, Map<String, Plugin> byId, List<Plugin> ordered,
		List<String> sortedCategories, List<String> categoriesWithPlugins) {

	static final RegistrySnapshot EMPTY = new RegistrySnapshot(Map.of(), Map.of(), List.of(), List.of(), List.of());

	/**
	 * This snapshot with a category added or replaced.
	 * @throws IllegalArgumentException when one of its unique ids is another category's
	 */
	RegistrySnapshot with(Category category) {
		Map<String, Category> categories = new LinkedHashMap<>(this.categories);
		categories.put(category.name(), category);
		Map<String, Plugin> byId = new HashMap<>(this.byId.size() + category.plugins().size());
		List<Plugin> ordered = new ArrayList<>(this.ordered.size() + category.plugins().size());
		Set<String> withPlugins = new TreeSet<>();
		for (Category each : categories.values()) {
			for (Plugin plugin : each.plugins()) {
				Plugin clash = byId.putIfAbsent(plugin.uniqueId(), plugin);
				if (clash != null) {
					Plugin mine = (each == category) ? plugin : clash;
					Plugin theirs = (each == category) ? clash : plugin;
					throw new IllegalArgumentException("Plugin '" + mine.name() + "' of category '" + category.name()
							+ "' would get unique id '" + plugin.uniqueId() + "', which plugin '" + theirs.name()
							+ "' of category '" + theirs.configured().metadata().category() + "' already has");
				}
				ordered.add(plugin);
			}
			if (!each.plugins().isEmpty()) {
				withPlugins.add(each.name());
			}
		}
		return new RegistrySnapshot(Collections.unmodifiableMap(categories), Collections.unmodifiableMap(byId),
				Collections.unmodifiableList(ordered), List.copyOf(new TreeSet<>(categories.keySet())),
				List.copyOf(withPlugins));
	}

	/** One registered category. */
	record Category(String name, PluginManager manager, String displayName, List<Plugin> plugins) {
	}

	/**
	 * One registered plugin, with its metadata both ways, so that reading its
	 * {@code configured} flag allocates nothing, and its unique id built once: at 1,000
	 * plugins, building each id on each request was a tenth of what
	 * {@code /actuator/plugins} allocates (BENCHMARKS.md).
	 */
	record Plugin(String uniqueId, String name, PluginManager manager, RegisteredPlugin unconfigured,
			RegisteredPlugin configured, @Nullable PluginConfigSchema schema) {

		private static final System.Logger logger = System.getLogger(UnifiedPluginRegistry.class.getName());

		Plugin(PluginMetadata metadata, PluginManager manager, @Nullable PluginConfigSchema schema) {
			this(metadata.uniqueId(), metadata, manager, schema);
		}

		private Plugin(String uniqueId, PluginMetadata metadata, PluginManager manager,
				@Nullable PluginConfigSchema schema) {
			this(uniqueId, metadata.name(), manager, new RegisteredPlugin(uniqueId, metadata),
					new RegisteredPlugin(uniqueId, metadata.withConfigured(true)), schema);
		}

		/**
		 * The metadata with the live resources of the instance, if its manager has one
		 * loaded; as registered when it has none or fails to answer.
		 */
		PluginMetadata live(PluginMetadata registered, Supplier<ProcessTable> table) {
			try {
				Optional<Object> instance = this.manager.getPlugin(this.name);
				if (instance == null || instance.isEmpty()) {
					return registered;
				}
				return PluginResources.resolve(registered, instance.get(), table);
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.DEBUG, "Plugin '" + this.uniqueId
						+ "' failed to report its resources; showing its registered metadata", ex);
				return registered;
			}
		}

	}

}
