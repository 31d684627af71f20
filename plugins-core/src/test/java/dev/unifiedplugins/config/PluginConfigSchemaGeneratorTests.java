package dev.unifiedplugins.config;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PluginConfigSchemaGenerator}.
 */
class PluginConfigSchemaGeneratorTests {

	@Test
	void whisperSchemaIsDraft2020WithTitleAndDescriptionFromTheClass() {
		Map<String, Object> schema = PluginConfigSchemaGenerator.generate(WhisperConfig.class);
		assertThat(schema).containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
			.containsEntry("title", "Whisper")
			.containsEntry("description", "Speech to text with OpenAI Whisper")
			.containsEntry("type", "object");
		assertThat(schema.keySet()).startsWith("$schema", "title", "description", "type");
	}

	@Test
	void whisperSchemaListsPropertiesInDeclarationOrder() {
		Map<String, Object> schema = PluginConfigSchemaGenerator.generate(WhisperConfig.class);
		assertThat(map(schema, "properties").keySet()).containsExactly("device", "model", "beamSize", "temperature",
				"languages", "decoding");
	}

	@Test
	void whisperDeviceIsAnEnumOfJsonNamesWithDescriptionAndDefault() {
		Map<String, Object> device = map(PluginConfigSchemaGenerator.generate(WhisperConfig.class), "properties",
				"device");
		assertThat(device).containsEntry("type", "string")
			.containsEntry("enum", List.of("cpu", "cuda"))
			.containsEntry("default", "cpu")
			.containsEntry("description", "Where the model runs");
	}

	@Test
	void whisperConstraintsComeFromJakartaValidation() {
		Map<String, Object> properties = map(PluginConfigSchemaGenerator.generate(WhisperConfig.class), "properties");
		assertThat(map(properties, "model")).containsEntry("pattern", "^(tiny|base|small|medium|large)(\\.en)?$");
		assertThat(map(properties, "beamSize")).containsEntry("type", "integer")
			.containsEntry("minimum", 1)
			.containsEntry("maximum", 10);
		assertThat(map(properties, "temperature")).containsEntry("type", "number")
			.containsEntry("minimum", 0.0)
			.containsEntry("maximum", 1.0);
		assertThat(map(properties, "languages")).containsEntry("type", "array")
			.containsEntry("maxItems", 3)
			.containsEntry("items", Map.of("type", "string"));
		assertThat(map(properties, "decoding", "properties", "chunkSeconds")).containsEntry("exclusiveMinimum", 0);
	}

	@Test
	void whisperRequiresOnlyWhatIsMarkedRequired() {
		assertThat(PluginConfigSchemaGenerator.generate(WhisperConfig.class)).containsEntry("required",
				List.of("model"));
	}

	@Test
	void defaultsTakeTheTypeOfTheirProperty() {
		Map<String, Object> properties = map(PluginConfigSchemaGenerator.generate(WhisperConfig.class), "properties");
		assertThat(map(properties, "beamSize").get("default")).isEqualTo(5);
		assertThat(map(properties, "temperature").get("default")).isEqualTo(0.0);
		assertThat(map(properties, "decoding", "properties", "timestamps").get("default")).isEqualTo(true);
		assertThat(map(properties, "decoding")).containsEntry("description", "Decoding options");
	}

	@Test
	void arrayAndObjectDefaultsAreWrittenAsJson() {
		Map<String, Object> properties = map(PluginConfigSchemaGenerator.generate(JsonDefaults.class), "properties");
		assertThat(map(properties, "languages").get("default")).isEqualTo(List.of("en", "fr"));
		assertThat(map(properties, "limits").get("default")).isEqualTo(Map.of("gpu", 1));
	}

	@Test
	void mapValuesBecomeAdditionalProperties() {
		Map<String, Object> limits = map(PluginConfigSchemaGenerator.generate(JsonDefaults.class), "properties",
				"limits");
		assertThat(limits).containsEntry("type", "object")
			.containsEntry("additionalProperties", Map.of("type", "integer"));
	}

	@Test
	void beansWorkLikeRecords() {
		Map<String, Object> schema = PluginConfigSchemaGenerator.generate(BeanConfig.class);
		Map<String, Object> properties = map(schema, "properties");
		assertThat(properties.keySet()).containsExactly("endpoint", "apiKey", "retries");
		assertThat(map(properties, "endpoint")).containsEntry("format", "email").containsEntry("minLength", 1);
		assertThat(map(properties, "apiKey")).containsEntry("minLength", 8).containsEntry("maxLength", 64);
		assertThat(map(properties, "retries")).containsEntry("default", 3).containsEntry("description", "Attempts");
		assertThat(schema).containsEntry("required", List.of("endpoint", "apiKey"));
	}

	@Test
	void enumsWithJsonValueUseIt() {
		Map<String, Object> precision = map(PluginConfigSchemaGenerator.generate(PrecisionConfig.class), "properties",
				"precision");
		assertThat(precision).containsEntry("enum", List.of("fp16", "int8")).containsEntry("default", "int8");
	}

	@Test
	void generatedSchemaPassesTheMetaschemaCheck() {
		Map<String, Object> schema = PluginConfigSchemaGenerator.generate(WhisperConfig.class);
		assertThatCode(() -> PluginConfigSchema.of(schema).check()).doesNotThrowAnyException();
	}

	@Test
	void eachClassIsGeneratedOnce() {
		assertThat(PluginConfigSchemaGenerator.generate(WhisperConfig.class))
			.isSameAs(PluginConfigSchemaGenerator.generate(WhisperConfig.class));
	}

	@Test
	void generatedSchemaIsImmutable() {
		Map<String, Object> schema = PluginConfigSchemaGenerator.generate(WhisperConfig.class);
		assertThat(schema).isUnmodifiable();
		assertThat(map(schema, "properties")).isUnmodifiable();
	}

	@Test
	void defaultThatBreaksTheSchemaIsRefusedNamingTheClass() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchemaGenerator.generate(BadDefault.class))
			.withMessageContaining(BadDefault.class.getName())
			.withMessageContaining("/threads")
			.withMessageContaining("minimum");
	}

	@Test
	void defaultThatIsNotJsonForItsTypeIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchemaGenerator.generate(NotJsonDefault.class))
			.withMessageContaining(NotJsonDefault.class.getName())
			.withMessageContaining("'many'")
			.withMessageContaining("not the JSON form of an integer");
	}

	@Test
	void classThatIsNotAnObjectIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchemaGenerator.generate(String.class))
			.withMessageContaining("java.lang.String")
			.withMessageContaining("JSON object");
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Map<String, Object> map, String... keys) {
		Map<String, Object> current = map;
		for (String key : keys) {
			assertThat(current).containsKey(key);
			current = (Map<String, Object>) current.get(key);
		}
		return current;
	}

	record JsonDefaults(@JsonProperty(defaultValue = "[\"en\", \"fr\"]") List<String> languages,
			@JsonProperty(defaultValue = "{\"gpu\": 1}") Map<String, Integer> limits) {
	}

	record BadDefault(@JsonProperty(defaultValue = "0") @Min(1) int threads) {
	}

	record NotJsonDefault(@JsonProperty(defaultValue = "many") int threads) {
	}

	enum Precision {

		HALF("fp16"), QUANTIZED("int8");

		private final String json;

		Precision(String json) {
			this.json = json;
		}

		@JsonValue
		String json() {
			return this.json;
		}

	}

	record PrecisionConfig(@JsonProperty(defaultValue = "int8") Precision precision) {
	}

	/** A bean, with getters and setters. */
	static class BeanConfig {

		@NotBlank
		@Email
		private String endpoint = "";

		@NotNull
		@Size(min = 8, max = 64)
		private String apiKey = "";

		@JsonPropertyDescription("Attempts")
		@JsonProperty(defaultValue = "3")
		private int retries;

		public String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(String endpoint) {
			this.endpoint = endpoint;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

	}

}
