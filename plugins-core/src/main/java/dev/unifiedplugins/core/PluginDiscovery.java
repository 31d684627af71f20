package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.core.RegistrySnapshot.Category;
import dev.unifiedplugins.core.RegistrySnapshot.Plugin;
import org.jspecify.annotations.Nullable;

/**
 * Turns what a manager discovers into registered plugins: descriptors checked, ids
 * checked, schemas checked, metadata built. Throws, naming the plugin, on the first
 * problem, so that a bad manager changes nothing.
 */
final class PluginDiscovery {

	private PluginDiscovery() {
	}

	/**
	 * A manager as a category: its display name, the category title-cased when none is
	 * given, and its plugins, discovered now or not at all.
	 */
	static Category category(String category, PluginManager manager, @Nullable String displayName,
			boolean autoDiscover, boolean checkSchemas) {
		PluginIds.requireValid(category, "category");
		Objects.requireNonNull(manager, () -> "manager of category '" + category + "' must not be null");
		String display = (displayName != null && !displayName.isBlank()) ? displayName : titleCase(category);
		return new Category(category, manager, display,
				autoDiscover ? discover(category, manager, checkSchemas) : List.of());
	}

	/**
	 * Discovers a manager's plugins.
	 * @param checkSchemas whether to check each distinct schema against its metaschema
	 * here, so that a broken schema fails its registration rather than the first save
	 */
	static List<Plugin> discover(String category, PluginManager manager, boolean checkSchemas) {
		List<PluginDescriptor> descriptors = manager.discoverPlugins();
		if (descriptors == null) {
			throw new IllegalStateException("The plugin manager of category '" + category + "' ("
					+ manager.getClass().getName() + ") returned null from discoverPlugins()");
		}
		Set<String> names = new HashSet<>();
		// Managers often give many plugins the same schema: equal schemas share one
		// PluginConfigSchema, checked and compiled at most once.
		Map<Map<String, Object>, PluginConfigSchema> schemas = new HashMap<>();
		List<Plugin> plugins = new ArrayList<>(descriptors.size());
		for (PluginDescriptor descriptor : descriptors) {
			if (descriptor == null) {
				throw new IllegalStateException("The plugin manager of category '" + category
						+ "' returned a null plugin descriptor");
			}
			PluginIds.requireValid(descriptor.name(), "plugin name in category '" + category + "'");
			if (!names.add(descriptor.name())) {
				throw new IllegalArgumentException("The plugin manager of category '" + category
						+ "' returned two plugins named '" + descriptor.name() + "'");
			}
			PluginMetadata metadata = toMetadata(category, descriptor);
			PluginIds.requireValid(metadata.uniqueId(), "unique id");
			plugins.add(new Plugin(metadata, manager, schema(category, descriptor, schemas, checkSchemas)));
		}
		return List.copyOf(plugins);
	}

	private static @Nullable PluginConfigSchema schema(String category, PluginDescriptor descriptor,
			Map<Map<String, Object>, PluginConfigSchema> schemas, boolean check) {
		Map<String, Object> schema = descriptor.configSchema();
		if (schema.isEmpty()) {
			return null;
		}
		PluginConfigSchema configSchema = schemas.get(schema);
		if (configSchema == null) {
			configSchema = PluginConfigSchema.of(schema);
			if (check) {
				try {
					configSchema.check();
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("Plugin '" + descriptor.name() + "' of category '" + category
							+ "' has an invalid config schema: " + ex.getMessage(), ex);
				}
			}
			schemas.put(schema, configSchema);
		}
		return configSchema;
	}

	static PluginMetadata toMetadata(String category, PluginDescriptor descriptor) {
		Map<String, Object> schema = descriptor.configSchema();
		String title = (descriptor.title() != null) ? descriptor.title()
				: (schema.get("title") instanceof String schemaTitle) ? schemaTitle : descriptor.name();
		String description = (descriptor.description() != null)
				? (descriptor.description().isEmpty() ? null : descriptor.description())
				: (schema.get("description") instanceof String schemaDescription) ? schemaDescription : null;
		return new PluginMetadata(descriptor.name(), category, title, schema, description, descriptor.version(),
				false, descriptor.executionMode(), descriptor.managesChildProcesses(),
				descriptor.managesExternalResources(), List.of(), null, null, null);
	}

	/**
	 * Title-cases like Python's {@code str.title()}: a letter after a non-letter is upper
	 * case, any other letter lower case.
	 */
	static String titleCase(String text) {
		StringBuilder result = new StringBuilder(text.length());
		boolean previousLetter = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			result.append(previousLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
			previousLetter = Character.isLetter(c);
		}
		return result.toString();
	}

}
