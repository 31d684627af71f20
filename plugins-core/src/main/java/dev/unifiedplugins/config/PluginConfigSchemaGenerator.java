package dev.unifiedplugins.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.generator.TypeScope;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jackson.JacksonSchemaModule;
import com.github.victools.jsonschema.module.jackson.JsonPropertySorter;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;
import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates a plugin's configuration JSON Schema (draft 2020-12) from a record or bean, so
 * that a plugin author writes a class instead of a schema.
 * <ul>
 * <li>Title: {@link PluginConfigTitle @PluginConfigTitle} on the class. Description:
 * {@code @JsonClassDescription} on the class.</li>
 * <li>Properties: the record components, or the bean's fields, in declaration order (or
 * {@code @JsonPropertyOrder}'s), named as Jackson names them ({@code @JsonProperty("...")}).
 * Descriptions: {@code @JsonPropertyDescription}.</li>
 * <li>Constraints: Jakarta Validation ({@code @Min}, {@code @Max}, {@code @DecimalMin},
 * {@code @DecimalMax}, {@code @Positive}, {@code @Pattern}, {@code @Size},
 * {@code @NotBlank}, {@code @Email}...). Enums become {@code "enum"} with the values
 * Jackson writes for them ({@code @JsonValue} and {@code @JsonProperty} on constants
 * included). A {@code Map}'s value type becomes {@code additionalProperties}.</li>
 * <li>Required: {@code @JsonProperty(required = true)}, {@code @NotNull},
 * {@code @NotBlank} or {@code @NotEmpty}.</li>
 * <li>Defaults: {@code @JsonProperty(defaultValue = "...")} on the record component or
 * field. A record has no field initializers, so this is how its defaults are declared, and
 * beans declare them the same way. The text is the default's JSON form, unquoted for
 * strings and enums: {@code defaultValue = "cpu"}, {@code defaultValue = "4"},
 * {@code defaultValue = "0.5"}, {@code defaultValue = "true"},
 * {@code defaultValue = "[\"en\", \"fr\"]"}. Each default is checked against the
 * generated schema.</li>
 * </ul>
 * <pre class="code">
 * &#064;PluginConfigTitle("Whisper")
 * &#064;JsonClassDescription("Speech to text with OpenAI Whisper")
 * public record WhisperConfig(
 * 		&#064;JsonPropertyDescription("Where the model runs")
 * 		&#064;JsonProperty(defaultValue = "cpu") Device device,
 * 		&#064;JsonProperty(required = true) &#064;Pattern(regexp = "tiny|base|small") String model) {
 * }
 * </pre>
 * Each class is generated once; later calls return the same schema.
 */
public final class PluginConfigSchemaGenerator {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/** Jakarta Validation is optional: without it, constraints simply are not generated. */
	private static final boolean JAKARTA_VALIDATION_PRESENT = isPresent("jakarta.validation.constraints.NotNull");

	private static final ClassValue<Map<String, Object>> schemas = new ClassValue<>() {

		@Override
		protected Map<String, Object> computeValue(Class<?> type) {
			return generateSchema(type);
		}

	};

	private PluginConfigSchemaGenerator() {
	}

	/**
	 * The configuration schema of a record or bean.
	 * @param configClass the configuration class
	 * @return the schema, immutable, with {@code "$schema"} set to draft 2020-12
	 * @throws IllegalArgumentException naming the class when it does not map to a JSON
	 * object or declares a default that breaks its own schema
	 */
	public static Map<String, Object> generate(Class<?> configClass) {
		Objects.requireNonNull(configClass, "configClass must not be null");
		return schemas.get(configClass);
	}

	/**
	 * The configuration schema of a record or bean with some of its top-level properties'
	 * defaults replaced: how several plugins share one config class, each with defaults of
	 * its own.
	 * @param configClass the configuration class
	 * @param defaults the defaults by property name, each in the text form of
	 * {@code @JsonProperty(defaultValue)}: strings and enums unquoted, anything else as JSON
	 * @return the schema, immutable
	 * @throws IllegalArgumentException naming the class and the property when the class has
	 * no such property or the default breaks its schema
	 */
	public static Map<String, Object> generate(Class<?> configClass, Map<String, String> defaults) {
		Objects.requireNonNull(defaults, "defaults must not be null");
		Map<String, Object> generated = generate(configClass);
		if (defaults.isEmpty()) {
			return generated;
		}
		// A mutable copy through JSON text, as generation makes it.
		@SuppressWarnings("unchecked")
		Map<String, Object> map = MAPPER.readValue(MAPPER.writeValueAsString(generated), LinkedHashMap.class);
		Map<String, Object> properties = (map.get("properties") instanceof Map<?, ?> found)
				? SchemaWalker.castMap(found) : Map.of();
		SchemaPostProcessor processor = new SchemaPostProcessor(configClass, map);
		defaults.forEach((name, text) -> {
			if (!(properties.get(name) instanceof Map<?, ?> property)) {
				throw new IllegalArgumentException("Config class " + configClass.getName() + " has no property '" + name
						+ "' to give a default; its properties are " + properties.keySet());
			}
			Map<String, Object> own = new LinkedHashMap<>(SchemaWalker.castMap(property));
			own.put("default", text);
			properties.put(name, own);
			processor.typeDefault(own, "/" + name);
		});
		checkDefaults(configClass, map);
		return Json.immutableCopy(map);
	}

	private static void checkDefaults(Class<?> configClass, Map<String, Object> schema) {
		PluginConfigSchema compiled = PluginConfigSchema.of(schema).check();
		List<ConfigViolation> violations = compiled.violationsIgnoringRequired(compiled.defaults());
		if (!violations.isEmpty()) {
			throw new IllegalArgumentException("Config class " + configClass.getName()
					+ " declares defaults that break its own schema: " + ConfigViolation.describe(violations));
		}
	}

	private static Map<String, Object> generateSchema(Class<?> configClass) {
		ObjectNode schema;
		try {
			schema = newGenerator(mapperFor(configClass)).generateSchema(configClass);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Cannot generate a config schema from " + configClass.getName() + ": " + ex.getMessage(), ex);
		}
		JsonNode type = schema.get("type");
		if (type == null || !"object".equals(type.asString(null))) {
			throw new IllegalArgumentException("Config class " + configClass.getName()
					+ " does not map to a JSON object; use a record or a bean");
		}
		// Through JSON text, so numbers get the types a parsed schema has (Integer, Double),
		// not the generator's BigDecimals.
		@SuppressWarnings("unchecked")
		Map<String, Object> map = MAPPER.readValue(MAPPER.writeValueAsString(schema), LinkedHashMap.class);
		new SchemaPostProcessor(configClass, map).run();
		checkDefaults(configClass, map);
		return Json.immutableCopy(map);
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, PluginConfigSchemaGenerator.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Jackson keeps what it learned of a class as long as its mapper lives: a class of
	 * another class loader (a plugin JAR's) gets a mapper of its own, so that its loader
	 * can be collected once the JAR is released.
	 */
	private static JsonMapper mapperFor(Class<?> type) {
		ClassLoader loader = type.getClassLoader();
		for (ClassLoader own = PluginConfigSchemaGenerator.class.getClassLoader(); own != null; own = own.getParent()) {
			if (own == loader) {
				return MAPPER;
			}
		}
		return (loader == null) ? MAPPER : JsonMapper.builder().build();
	}

	private static SchemaGenerator newGenerator(JsonMapper mapper) {
		// A generator per class: the Jackson module's property sorter is not thread-safe,
		// and each class is generated only once.
		SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(mapper, SchemaVersion.DRAFT_2020_12,
				OptionPreset.PLAIN_JSON)
			.with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
			.with(new JacksonSchemaModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED));
		if (JAKARTA_VALIDATION_PRESENT) {
			builder.with(new JakartaValidationModule(JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED,
					JakartaValidationOption.INCLUDE_PATTERN_EXPRESSIONS));
		}
		builder.forTypesInGeneral()
			.withCustomDefinitionProvider(PluginConfigSchemaGenerator::enumDefinition)
			.withTitleResolver(PluginConfigSchemaGenerator::title)
			// Declaration order, as a form would show it; victools sorts alphabetically.
			.withPropertySorter(new JsonPropertySorter(false));
		builder.forFields().withDefaultResolver(PluginConfigSchemaGenerator::declaredDefault);
		return new SchemaGenerator(builder.build());
	}

	private static @Nullable String title(TypeScope scope) {
		PluginConfigTitle title = scope.getType().getErasedType().getAnnotation(PluginConfigTitle.class);
		return (title != null) ? title.value() : null;
	}

	/**
	 * An enum's values as Jackson writes them, whatever decides that ({@code @JsonValue},
	 * {@code @JsonProperty} on constants, a non-public accessor), so the schema accepts
	 * exactly what binding does.
	 */
	private static @Nullable CustomDefinition enumDefinition(ResolvedType type, SchemaGenerationContext context) {
		Class<?> raw = type.getErasedType();
		if (!raw.isEnum()) {
			return null;
		}
		List<JsonNode> values = new ArrayList<>();
		for (Object constant : raw.getEnumConstants()) {
			values.add(context.getGeneratorConfig().getObjectMapper().valueToTree(constant));
		}
		ObjectNode definition = context.getGeneratorConfig().createObjectNode();
		if (values.stream().allMatch(JsonNode::isString)) {
			definition.put("type", "string");
		}
		else if (values.stream().allMatch(JsonNode::isIntegralNumber)) {
			definition.put("type", "integer");
		}
		definition.putArray("enum").addAll(values);
		return new CustomDefinition(definition);
	}

	private static @Nullable String declaredDefault(FieldScope field) {
		// IfSupported: not for the items of a list or the values of a map.
		JsonProperty property = field.getAnnotationConsideringFieldAndGetterIfSupported(JsonProperty.class);
		return (property != null && !property.defaultValue().isEmpty()) ? property.defaultValue() : null;
	}

	/**
	 * Turns the text of {@code @JsonProperty(defaultValue)} into the JSON value its
	 * property's type calls for, lists {@code required} in property order, and puts
	 * {@code $schema}, {@code title} and {@code description} first.
	 */
	private static final class SchemaPostProcessor {

		private static final List<String> FIRST_KEYWORDS = List.of("$schema", "title", "description", "type");

		private final Class<?> configClass;

		private final Map<String, Object> root;

		SchemaPostProcessor(Class<?> configClass, Map<String, Object> root) {
			this.configClass = configClass;
			this.root = root;
		}

		void run() {
			SchemaWalker.forEachSubschema(this.root, (pointer, schema) -> {
				typeDefault(schema, pointer);
				orderRequired(schema);
				orderKeywords(schema);
			});
		}

		void typeDefault(Map<String, Object> schema, String pointer) {
			if (!(schema.get("default") instanceof String value)) {
				return;
			}
			Set<String> types = new TreeSet<>();
			for (Map<String, Object> subschema : SchemaWalker.at(this.root, schema).subschemas()) {
				if (subschema.get("type") instanceof String type) {
					types.add(type);
				}
				else if (subschema.get("type") instanceof List<?> list) {
					list.forEach((type) -> types.add(String.valueOf(type)));
				}
			}
			if (types.isEmpty() || types.contains("string")) {
				return;
			}
			try {
				schema.put("default", MAPPER.readValue(value, Object.class));
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException("Config class " + this.configClass.getName() + " declares default '"
						+ value + "' for " + ConfigViolation.where(pointer)
						+ ", which is not the JSON form of " + article(types.iterator().next()) + " " + String.join(" or ", types)
						+ " (write strings and enums unquoted, anything else as JSON)");
			}
		}

		private static void orderKeywords(Map<String, Object> schema) {
			Map<String, Object> ordered = new LinkedHashMap<>();
			for (String keyword : FIRST_KEYWORDS) {
				if (schema.containsKey(keyword)) {
					ordered.put(keyword, schema.get(keyword));
				}
			}
			if (ordered.isEmpty()) {
				return;
			}
			ordered.putAll(schema);
			schema.clear();
			schema.putAll(ordered);
		}

		/** The generator lists required properties in no particular order. */
		private static void orderRequired(Map<String, Object> schema) {
			if (!(schema.get("required") instanceof List<?> names)
					|| !(schema.get("properties") instanceof Map<?, ?> properties)) {
				return;
			}
			List<?> order = new ArrayList<>(properties.keySet());
			List<?> sorted = names.stream().sorted((a, b) -> {
				int ia = order.indexOf(a);
				int ib = order.indexOf(b);
				return Integer.compare((ia < 0) ? Integer.MAX_VALUE : ia, (ib < 0) ? Integer.MAX_VALUE : ib);
			}).toList();
			schema.put("required", new ArrayList<>(sorted));
		}

	}

	private static String article(String noun) {
		return ("aeiou".indexOf(noun.charAt(0)) >= 0) ? "an" : "a";
	}

}
