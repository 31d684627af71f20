package dev.unifiedplugins.core;

import java.util.List;
import java.util.Map;

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
 * Binds configurations to classes as the registry does for
 * {@link UnifiedPluginRegistry#loadPluginConfig(String, Class)}, with errors that name the
 * property, never its value.
 */
public final class PluginConfigSupport {

	/**
	 * Jackson 3's defaults, except that an absent primitive is Java's default: the schema
	 * decides what is required, and a configuration it accepts must bind.
	 */
	private static final JsonMapper MAPPER = newMapper();

	private PluginConfigSupport() {
	}

	/**
	 * Binds a configuration to a class the way Jackson does, except that an absent
	 * primitive is Java's default.
	 * @param <T> the configuration type
	 * @param uniqueId the plugin's unique id, for messages
	 * @param config the configuration, typically over the schema's defaults
	 * @param type the configuration class
	 * @return the bound configuration
	 * @throws PluginConfigException naming the plugin, the class and the failing property,
	 * but not its value, which may be a secret
	 */
	public static <T> T bind(String uniqueId, Map<String, Object> config, Class<T> type) {
		try {
			return mapperFor(type).convertValue(config, type);
		}
		catch (JacksonException ex) {
			// No cause: Jackson's messages quote the offending value.
			throw new PluginConfigException(null, "Configuration of plugin '" + uniqueId + "' cannot be bound to "
					+ type.getName() + ": " + describe(ex, config), null);
		}
	}

	/**
	 * Binds a plugin's saved values as a load does: checked against its schema as a save
	 * checks them (a file edited by hand, or written by the Python library, never reached a
	 * save), laid over the schema's defaults, then {@linkplain #bind bound}.
	 * @param <T> the configuration type
	 * @param uniqueId the plugin's unique id, for messages
	 * @param saved the saved values, or null when none are saved (nothing to check)
	 * @param schema the plugin's schema, or null for none
	 * @param validate whether to check the saved values ({@code plugins.validation.enabled})
	 * @param type the configuration class
	 * @return the bound configuration
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException listing every
	 * violation of the saved values
	 * @throws PluginConfigException when they cannot be bound, as {@link #bind} does
	 */
	public static <T> T bindSaved(String uniqueId, @Nullable Map<String, Object> saved,
			@Nullable PluginConfigSchema schema, boolean validate, Class<T> type) {
		Map<String, Object> values = (saved != null) ? saved : Map.of();
		if (schema == null) {
			return bind(uniqueId, values, type);
		}
		if (saved != null && validate) {
			schema.validate(uniqueId, saved);
		}
		return bind(uniqueId, schema.withDefaults(values), type);
	}

	private static JsonMapper newMapper() {
		return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
	}

	/**
	 * Jackson keeps what it learned of a class as long as its mapper lives: a class of
	 * another class loader (a plugin JAR's) gets a mapper of its own, so that its loader
	 * can be collected once the JAR is released.
	 */
	private static JsonMapper mapperFor(Class<?> type) {
		ClassLoader loader = type.getClassLoader();
		for (ClassLoader own = PluginConfigSupport.class.getClassLoader(); own != null; own = own.getParent()) {
			if (own == loader) {
				return MAPPER;
			}
		}
		return (loader == null) ? MAPPER : newMapper();
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
