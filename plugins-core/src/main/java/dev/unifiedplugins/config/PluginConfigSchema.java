package dev.unifiedplugins.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plugin's configuration JSON Schema, ready to validate configurations and to supply
 * defaults.
 * <p>
 * The schema is written in draft 2020-12 unless its {@code $schema} names another draft
 * (2019-09, 7, 6 or 4). {@link #check()} validates it against that draft's metaschema, and
 * compiles it when compiling resolves more than the metaschema checks; {@link #validate}
 * compiles it on first use. Remote {@code $ref}s are never
 * fetched. Standard {@code format}s ({@code email}, {@code date-time}, {@code uri}...) are
 * asserted, not only annotated. Messages are in English.
 * <p>
 * Thread-safe; instances can be shared by plugins with equal schemas.
 */
public final class PluginConfigSchema {

	private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

	/** The dialects we accept, by {@code $schema} without a trailing {@code #}. */
	private static final Map<String, SpecificationVersion> DIALECTS = Map.of(DRAFT_2020_12,
			SpecificationVersion.DRAFT_2020_12, "https://json-schema.org/draft/2019-09/schema",
			SpecificationVersion.DRAFT_2019_09, "http://json-schema.org/draft-07/schema",
			SpecificationVersion.DRAFT_7, "http://json-schema.org/draft-06/schema", SpecificationVersion.DRAFT_6,
			"http://json-schema.org/draft-04/schema", SpecificationVersion.DRAFT_4);

	/** Keywords whose error is about a named property rather than the object that holds it. */
	private static final Set<String> PROPERTY_KEYWORDS = Set.of("required", "additionalProperties",
			"unevaluatedProperties", "dependentRequired");

	private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
		.locale(Locale.ENGLISH)
		.pathType(PathType.JSON_POINTER)
		.formatAssertionsEnabled(true)
		.build();

	/** Loaded from the validator's bundled copies, once per draft. */
	private static final ConcurrentMap<SpecificationVersion, Schema> metaSchemas = new ConcurrentHashMap<>();

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final Object NO_DEFAULT = new Object();

	private final Map<String, Object> schema;

	private volatile @Nullable Schema compiled;

	/** Whether the schema matched its metaschema. */
	private volatile boolean checked;

	private volatile @Nullable Map<String, Object> defaults;

	private PluginConfigSchema(Map<String, Object> schema) {
		this.schema = schema;
	}

	/**
	 * Wraps a copy of a schema without checking it; {@link #check()} does.
	 * @param schema a JSON Schema as maps, lists and scalars
	 * @return the schema
	 */
	public static PluginConfigSchema of(Map<String, ?> schema) {
		return new PluginConfigSchema(Json.immutableCopy(Objects.requireNonNull(schema, "schema must not be null")));
	}

	/** {@return an immutable copy of the schema given} */
	public Map<String, Object> schema() {
		return this.schema;
	}

	/**
	 * Checks the schema against its draft's metaschema and, when compiling resolves more
	 * than the metaschema checks ({@code $ref}, {@code $id}, {@code $anchor},
	 * {@code patternProperties}, a {@code $schema} below the root), compiles it. Done once.
	 * Other schemas are compiled on first use, which keeps registering many plugins cheap;
	 * should that compilation still fail, the save that needed it reports the schema as
	 * invalid. A schema that differs from one already found valid only in the text of its
	 * titles, descriptions and comments is not checked against the metaschema again.
	 * @return this schema
	 * @throws IllegalArgumentException when the schema is invalid or a reference cannot be
	 * resolved, listing what is wrong with JSON Pointers into the schema
	 */
	public PluginConfigSchema check() {
		if (!this.checked) {
			SchemaShape shape = new SchemaShape(this.schema);
			if (shape.resolvesOnCompile()) {
				compiled();
			}
			else if (!shape.isKnownValid()) {
				// Kept for start-up: 1,000 plugins whose schemas differ only in their titles
				// took the starter 216 ms to register without it, 91 ms with it (BENCHMARKS.md).
				checkAgainstMetaschema(MAPPER.valueToTree(this.schema));
				shape.recordValid();
			}
			this.checked = true;
		}
		return this;
	}

	/**
	 * Validates a configuration.
	 * @param uniqueId the plugin's unique id, for messages
	 * @param config the configuration, a JSON object
	 * @throws PluginConfigValidationException listing every violation, when the
	 * configuration does not match
	 * @throws IllegalArgumentException when the schema is invalid or a value cannot be held
	 * in JSON
	 */
	public void validate(String uniqueId, Map<String, ?> config) {
		JsonValues.check(uniqueId, config, Long.MAX_VALUE);
		List<ConfigViolation> violations;
		try {
			violations = violations(errors(MAPPER.valueToTree(config)));
		}
		catch (IllegalArgumentException ex) {
			// Only the schema's own problems: the configuration's are violations.
			throw new IllegalArgumentException(
					"Plugin '" + uniqueId + "' has an invalid config schema: " + ex.getMessage(), ex);
		}
		if (!violations.isEmpty()) {
			throw new PluginConfigValidationException(uniqueId, violations);
		}
	}

	/**
	 * The defaults the schema declares: each property's {@code default}, and the defaults of
	 * nested object properties, through every subschema that applies whatever the
	 * configuration holds ({@code $ref}, {@code allOf}; see {@link SchemaWalker}). A
	 * {@code default} given for an object is laid over its properties' defaults.
	 * @return the defaults, empty when there are none
	 */
	public Map<String, Object> defaults() {
		Map<String, Object> result = this.defaults;
		if (result == null) {
			Object found = defaultsAt(SchemaWalker.of(this.schema));
			result = (found instanceof Map<?, ?> map) ? Json.immutableCopy(SchemaWalker.castMap(map)) : Map.of();
			this.defaults = result;
		}
		return result;
	}

	/**
	 * Where a configuration holds keys the schema does not declare (see
	 * {@link SchemaWalker#declares}), as JSON Pointers: most likely misspelt settings, which
	 * pass the schema when it allows other properties, as schemas generated from records
	 * and the Python library's do, and which a typed configuration ignores. Nested objects
	 * are looked into; arrays are not.
	 * @param config the configuration
	 * @return the paths of the undeclared keys, in the configuration's order; empty when
	 * there are none
	 */
	public List<String> undeclaredPaths(Map<String, ?> config) {
		Objects.requireNonNull(config, "config must not be null");
		List<String> paths = new ArrayList<>();
		addUndeclared(config, SchemaWalker.of(this.schema), JsonPointer.empty(), paths);
		return List.copyOf(paths);
	}

	private static void addUndeclared(Map<?, ?> object, SchemaWalker walker, JsonPointer at, List<String> paths) {
		object.forEach((key, value) -> {
			String name = String.valueOf(key);
			JsonPointer path = at.appendProperty(name);
			if (!walker.declares(name)) {
				paths.add(path.toString());
			}
			else if (value instanceof Map<?, ?> nested) {
				addUndeclared(nested, walker.property(name), path, paths);
			}
		});
	}

	/**
	 * A configuration over the schema's defaults: saved values win, nested objects are
	 * merged key by key, anything else (arrays included) is replaced whole.
	 * @param config the saved configuration
	 * @return the merged configuration
	 */
	public Map<String, Object> withDefaults(Map<String, ?> config) {
		Objects.requireNonNull(config, "config must not be null");
		return Json.immutableCopy(merge(defaults(), config));
	}

	@Override
	public String toString() {
		return "PluginConfigSchema[" + this.schema.getOrDefault("title", this.schema.keySet()) + "]";
	}

	/** Validation errors without {@code required} ones: used to check declared defaults. */
	List<ConfigViolation> violationsIgnoringRequired(Map<String, ?> config) {
		List<Error> errors = new ArrayList<>(errors(MAPPER.valueToTree(config)));
		errors.removeIf((error) -> "required".equals(error.getKeyword())
				|| "dependentRequired".equals(error.getKeyword()));
		return violations(errors);
	}

	private List<Error> errors(JsonNode config) {
		try {
			return compiled().validate(config);
		}
		catch (SchemaException ex) {
			// A $ref the compilation could not see, met in this configuration.
			throw new IllegalArgumentException("JSON Schema cannot be used: " + ex.getMessage(), ex);
		}
	}

	private Schema compiled() {
		Schema result = this.compiled;
		if (result == null) {
			synchronized (this) {
				result = this.compiled;
				if (result == null) {
					result = compile();
					this.compiled = result;
				}
			}
		}
		return result;
	}

	private Schema compile() {
		JsonNode node = MAPPER.valueToTree(this.schema);
		if (!this.checked) {
			checkAgainstMetaschema(node);
			this.checked = true;
		}
		try {
			// A registry of its own, so that an $id cannot resolve to another plugin's schema.
			Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
					(registry) -> registry.schemaRegistryConfig(CONFIG))
				.getSchema(node);
			// Resolves every $ref now, so a dangling one fails here, not on some later save.
			schema.initializeValidators();
			return schema;
		}
		catch (SchemaException ex) {
			throw new IllegalArgumentException("JSON Schema cannot be compiled: " + ex.getMessage(), ex);
		}
	}

	private void checkAgainstMetaschema(JsonNode node) {
		SpecificationVersion dialect = dialect();
		List<Error> errors = metaSchema(dialect).validate(node);
		if (!errors.isEmpty()) {
			throw new IllegalArgumentException("JSON Schema does not match the metaschema of "
					+ dialect.getDialectId() + ": " + errors.stream()
				.map((error) -> ConfigViolation.where(error.getInstanceLocation().toString()) + ": " + error.getMessage())
				.collect(Collectors.joining("; ")));
		}
	}

	private SpecificationVersion dialect() {
		Object declared = this.schema.get("$schema");
		if (declared == null) {
			return SpecificationVersion.DRAFT_2020_12;
		}
		String id = (declared instanceof String text && text.endsWith("#")) ? text.substring(0, text.length() - 1)
				: String.valueOf(declared);
		SpecificationVersion version = DIALECTS.get(id);
		if (version == null) {
			throw new IllegalArgumentException("JSON Schema declares an unsupported \"$schema\" '" + declared
					+ "'; use " + DRAFT_2020_12 + " (or drafts 2019-09, 7, 6, 4)");
		}
		return version;
	}

	private static Schema metaSchema(SpecificationVersion version) {
		return metaSchemas.computeIfAbsent(version, (key) -> {
			Schema meta = SchemaRegistry.withDefaultDialect(key, (registry) -> registry.schemaRegistryConfig(CONFIG))
				.getSchema(SchemaLocation.of(key.getDialectId()));
			meta.initializeValidators();
			return meta;
		});
	}

	private static List<ConfigViolation> violations(List<Error> errors) {
		Set<ConfigViolation> violations = new LinkedHashSet<>();
		for (Error error : errors) {
			String path = error.getInstanceLocation().toString();
			if (error.getProperty() != null && PROPERTY_KEYWORDS.contains(error.getKeyword())) {
				path = path + JsonPointer.empty().appendProperty(error.getProperty());
			}
			// The validator's messages name the schema's expectations, never the instance's
			// values, which may be secrets.
			violations.add(new ConfigViolation(path, error.getMessage()));
		}
		return List.copyOf(violations);
	}

	/**
	 * The defaults at one location of a configuration: a value, a map of nested defaults,
	 * or NO_DEFAULT. Only subschemas that apply whatever the configuration holds count, and
	 * a type inside itself (a tree node whose child is a tree node) adds no default child.
	 * Where several declare a {@code default}, the one closer to the property wins.
	 */
	private static Object defaultsAt(SchemaWalker at) {
		List<Map<String, Object>> subschemas = at.definite();
		Set<String> names = new LinkedHashSet<>();
		for (Map<String, Object> subschema : subschemas) {
			if (subschema.get("properties") instanceof Map<?, ?> properties) {
				properties.keySet().forEach((name) -> names.add(String.valueOf(name)));
			}
		}
		Map<String, Object> nested = new LinkedHashMap<>();
		for (String name : names) {
			Object value = defaultsAt(at.property(name));
			if (value != NO_DEFAULT) {
				nested.put(name, value);
			}
		}
		Object result = nested.isEmpty() ? NO_DEFAULT : nested;
		for (int i = subschemas.size() - 1; i >= 0; i--) {
			if (subschemas.get(i).containsKey("default")) {
				Object own = subschemas.get(i).get("default");
				result = (own instanceof Map<?, ?> over && result instanceof Map<?, ?> under)
						? merge(SchemaWalker.castMap(under), SchemaWalker.castMap(over)) : own;
			}
		}
		return result;
	}

	private static Map<String, Object> merge(Map<String, ?> base, Map<String, ?> overlay) {
		Map<String, Object> result = new LinkedHashMap<>(base);
		overlay.forEach((key, value) -> {
			if (result.get(key) instanceof Map<?, ?> under && value instanceof Map<?, ?> over) {
				result.put(key, merge(SchemaWalker.castMap(under), SchemaWalker.castMap(over)));
			}
			else {
				result.put(key, value);
			}
		});
		return result;
	}

}
