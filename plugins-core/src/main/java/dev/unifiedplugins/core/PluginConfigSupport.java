package dev.unifiedplugins.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigSchema;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's schema work: checking plugins' schemas at registration and binding
 * configurations to classes.
 */
final class PluginConfigSupport {

	/**
	 * Jackson 3's defaults, except that an absent primitive is Java's default: the schema
	 * decides what is required, and a configuration it accepts must bind.
	 */
	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private PluginConfigSupport() {
	}

	/**
	 * The schemas of the plugins that have one, by plugin name. When {@code check} is
	 * true each distinct schema is checked once (see {@link PluginConfigSchema#check()}),
	 * here rather than on the first save, so that a broken schema fails its registration. Plugins
	 * without a schema cost nothing, so registering many of them stays cheap.
	 */
	static Map<String, PluginConfigSchema> schemas(String category, List<PluginDescriptor> descriptors,
			boolean check) {
		Map<String, PluginConfigSchema> byName = new HashMap<>();
		// Managers often give many plugins the same schema: they share one checked schema,
		// compiled at most once.
		Map<SchemaKey, PluginConfigSchema> distinct = new HashMap<>();
		for (PluginDescriptor descriptor : descriptors) {
			Map<String, Object> schema = descriptor.configSchema();
			if (schema.isEmpty()) {
				continue;
			}
			SchemaKey key = new SchemaKey(schema);
			PluginConfigSchema configSchema = distinct.get(key);
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
				distinct.put(key, configSchema);
			}
			byName.put(descriptor.name(), configSchema);
		}
		return byName;
	}

	/**
	 * A schema as a map key: equal when the schemas are equal, with a hash of the top
	 * level only. Schemas that differ usually differ there (a title), and a deep hash of
	 * every schema would cost more than the rare deep comparison of a collision.
	 */
	private static final class SchemaKey {

		private final Map<String, Object> schema;

		private final int hash;

		SchemaKey(Map<String, Object> schema) {
			this.schema = schema;
			int sum = 0;
			for (Map.Entry<String, Object> entry : schema.entrySet()) {
				Object value = entry.getValue();
				int valueHash = (value instanceof Map<?, ?> map) ? map.size()
						: (value instanceof List<?> list) ? list.size() : Objects.hashCode(value);
				sum += entry.getKey().hashCode() ^ valueHash;
			}
			this.hash = sum;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof SchemaKey key && this.hash == key.hash && this.schema.equals(key.schema);
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * Binds a configuration to a class the way Jackson does.
	 * @throws PluginConfigException naming the plugin, the class and the failing property,
	 * but not its value, which may be a secret
	 */
	static <T> T bind(String uniqueId, Map<String, Object> config, Class<T> type) {
		try {
			return MAPPER.convertValue(config, type);
		}
		catch (JacksonException ex) {
			// No cause: Jackson's messages quote the offending value.
			throw new PluginConfigException(null, "Configuration of plugin '" + uniqueId + "' cannot be bound to "
					+ type.getName() + ": " + describe(ex, config), null);
		}
	}

	private static String describe(JacksonException ex, Map<String, Object> config) {
		JsonPointer pointer = JsonPointer.empty();
		Object value = config;
		for (JacksonException.Reference reference : ex.getPath()) {
			String name = reference.getPropertyName();
			// As a property, an index Jackson does not know (-1) is shown rather than refused.
			pointer = (name != null) ? pointer.appendProperty(name)
					: pointer.appendProperty(String.valueOf(reference.getIndex()));
			value = (name != null && value instanceof Map<?, ?> map) ? map.get(name)
					: (name == null && value instanceof List<?> list && reference.getIndex() >= 0
							&& reference.getIndex() < list.size()) ? list.get(reference.getIndex()) : null;
		}
		String where = pointer.matches() ? "the configuration" : "value " + pointer;
		if (ex instanceof InvalidDefinitionException) {
			// About the class, not the data: safe to quote.
			return ex.getOriginalMessage();
		}
		if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			String target = mismatch.getTargetType().getTypeName();
			return (value == null) ? where + " is missing or null but required"
					: where + " cannot be read as " + target;
		}
		return where + " cannot be read (" + ex.getClass().getSimpleName() + ")";
	}

}
