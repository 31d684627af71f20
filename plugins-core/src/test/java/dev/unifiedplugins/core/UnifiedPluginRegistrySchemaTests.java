package dev.unifiedplugins.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.HubConfig;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.config.WhisperConfig;
import dev.unifiedplugins.config.WhisperConfig.Decoding;
import dev.unifiedplugins.config.WhisperConfig.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the schema-aware configuration of {@link UnifiedPluginRegistry}: generated and
 * hand-written schemas, validation on save, defaults and typed loads, over real files.
 */
class UnifiedPluginRegistrySchemaTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String WHISPER = "transcription_whisper";

	@TempDir
	Path configDir;

	private UnifiedPluginRegistry registry;

	@BeforeEach
	void registerWhisper() {
		this.registry = new UnifiedPluginRegistry(this.configDir);
		PluginDescriptor whisper = PluginDescriptor.builder("whisper")
			.version("1.0.0")
			.configClass(WhisperConfig.class)
			.build();
		this.registry.registerPluginManager("transcription",
				() -> List.of(whisper, PluginDescriptor.builder("free").build()));
	}

	@Test
	void configClassGivesTheDescriptorItsGeneratedSchema() {
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper").configClass(WhisperConfig.class).build();
		assertThat(descriptor.configSchema())
			.containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
			.containsEntry("title", "Whisper")
			.containsEntry("required", List.of("model"));
		assertThat(descriptor.title()).isNull();
	}

	@Test
	void metadataTakesTitleAndDescriptionFromTheGeneratedSchema() {
		PluginMetadata whisper = this.registry.getPlugin(WHISPER).orElseThrow();
		assertThat(whisper.title()).isEqualTo("Whisper");
		assertThat(whisper.description()).isEqualTo("Speech to text with OpenAI Whisper");
		assertThat(whisper.configSchema()).containsKey("properties");
	}

	@Test
	void whisperFromSaveToTypedLoad() {
		assertThat(this.registry.savePluginConfig(WHISPER, json("""
				{"device": "cuda", "model": "small.en", "decoding": {"chunkSeconds": 10}}
				"""))).isTrue();
		assertThat(this.registry.getPlugin(WHISPER).orElseThrow().configured()).isTrue();
		assertThat(this.registry.loadPluginConfig(WHISPER))
			.isEqualTo(json("{\"device\": \"cuda\", \"model\": \"small.en\", \"decoding\": {\"chunkSeconds\": 10}}"));
		assertThat(this.registry.loadPluginConfigWithDefaults(WHISPER)).isEqualTo(json("""
				{"device": "cuda", "beamSize": 5, "temperature": 0.0,
				 "decoding": {"timestamps": true, "chunkSeconds": 10}, "model": "small.en"}
				"""));
		assertThat(this.registry.loadPluginConfig(WHISPER, WhisperConfig.class))
			.isEqualTo(new WhisperConfig(Device.CUDA, "small.en", 5, 0.0, null, new Decoding(true, 10)));
	}

	@Test
	void defaultsAloneWhenNothingIsSaved() {
		assertThat(this.registry.loadPluginConfig(WHISPER)).isEmpty();
		assertThat(this.registry.loadPluginConfigWithDefaults(WHISPER)).isEqualTo(json("""
				{"device": "cpu", "beamSize": 5, "temperature": 0.0,
				 "decoding": {"timestamps": true, "chunkSeconds": 30}}
				"""));
	}

	@Test
	void defaultsOfARecordUsedTwiceAreFilledInBothPlaces() {
		// A record used more than once is a $ref into $defs in the generated schema.
		this.registry.registerPluginManager("hub",
				() -> List.of(PluginDescriptor.builder("models").configClass(HubConfig.class).build()));
		this.registry.savePluginConfig("hub_models", json("{\"primary\": {\"region\": \"us\"}}"));
		assertThat(this.registry.loadPluginConfigWithDefaults("hub_models"))
			.isEqualTo(json("{\"primary\": {\"region\": \"us\"}, \"fallback\": {\"region\": \"eu\"}}"));
	}

	@Test
	void configWithDefaultsIsImmutable() {
		this.registry.savePluginConfig(WHISPER, json("{\"model\": \"tiny\"}"));
		Map<String, Object> config = this.registry.loadPluginConfigWithDefaults(WHISPER);
		assertThat(config).isUnmodifiable();
		assertThat((Map<?, ?>) config.get("decoding")).isUnmodifiable();
	}

	@Test
	void invalidConfigIsRefusedWithEveryViolation() {
		PluginConfigValidationException ex = assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(WHISPER, json("""
					{"device": "tpu", "beamSize": 0, "temperature": "warm", "languages": ["en", 2, "de", "fr"],
					 "decoding": {"chunkSeconds": -1}}
					""")))
			.actual();
		assertThat(ex.uniqueId()).isEqualTo(WHISPER);
		assertThat(ex.violations()).extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/device", "/model", "/beamSize", "/temperature", "/languages",
					"/languages/1", "/decoding/chunkSeconds");
		assertThat(ex).hasMessageContaining("'" + WHISPER + "'").hasMessageContaining("/device: ");
	}

	@Test
	void invalidSaveLeavesTheSavedFileByteIdentical() throws IOException {
		this.registry.savePluginConfig(WHISPER, json("{\"device\": \"cuda\", \"model\": \"base\"}"));
		Path file = this.configDir.resolve(WHISPER + ".json");
		byte[] before = Files.readAllBytes(file);
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(WHISPER,
					json("{\"device\": \"tpu\", \"model\": \"base\"}")));
		assertThat(Files.readAllBytes(file)).isEqualTo(before);
		assertThat(this.registry.getPlugin(WHISPER).orElseThrow().configured()).isTrue();
		assertThat(this.registry.loadPluginConfig(WHISPER)).containsEntry("device", "cuda");
	}

	@Test
	void invalidFirstSaveWritesNothing() throws IOException {
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(WHISPER, json("{\"model\": \"gigantic\"}")));
		try (var files = Files.list(this.configDir)) {
			assertThat(files).isEmpty();
		}
		assertThat(this.registry.getPlugin(WHISPER).orElseThrow().configured()).isFalse();
	}

	@Test
	void refusalNeverShowsTheOffendingValues() {
		String secret = "sk-live-0123456789abcdef";
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(WHISPER,
					json("{\"model\": \"" + secret + "\", \"device\": \"" + secret + "\"}")))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).doesNotContain(secret);
				assertThat(ex.violations())
					.allSatisfy((violation) -> assertThat(violation.message()).doesNotContain(secret));
			});
	}

	@Test
	void pluginWithoutSchemaAcceptsAnyObject() {
		assertThat(this.registry.savePluginConfig("transcription_free", json("{\"anything\": [1, {\"goes\": null}]}")))
			.isTrue();
		assertThat(this.registry.loadPluginConfigWithDefaults("transcription_free"))
			.isEqualTo(json("{\"anything\": [1, {\"goes\": null}]}"));
	}

	@Test
	void unknownPluginAcceptsAnyObject() {
		assertThat(this.registry.savePluginConfig("llm_unregistered", json("{\"device\": \"tpu\"}"))).isTrue();
		assertThat(this.registry.loadPluginConfigWithDefaults("llm_unregistered")).containsEntry("device", "tpu");
	}

	@Test
	void handWrittenSchemasKeepWorking() {
		Map<String, Object> schema = json("""
				{"title": "Llama", "description": "Local LLM", "type": "object",
				 "properties": {"threads": {"type": "integer", "minimum": 1, "default": 4}},
				 "additionalProperties": false}
				""");
		this.registry.registerPluginManager("llm",
				() -> List.of(PluginDescriptor.builder("llama").configSchema(schema).build()));
		assertThat(this.registry.getPlugin("llm_llama").orElseThrow().title()).isEqualTo("Llama");
		assertThat(this.registry.getPlugin("llm_llama").orElseThrow().description()).isEqualTo("Local LLM");
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig("llm_llama", json("{\"threads\": 0, \"gpu\": true}")))
			.satisfies((ex) -> assertThat(ex.violations()).extracting(ConfigViolation::path)
				.containsExactlyInAnyOrder("/threads", "/gpu"));
		assertThat(this.registry.savePluginConfig("llm_llama", json("{\"threads\": 2}"))).isTrue();
		assertThat(this.registry.loadPluginConfigWithDefaults("llm_llama")).isEqualTo(Map.of("threads", 2));
	}

	@Test
	void schemaWithAnUnknownTypeFailsRegistrationNamingThePlugin() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("llm", () -> List.of(
					PluginDescriptor.builder("good").build(),
					PluginDescriptor.builder("broken").configSchema(json("{\"type\": \"nonsense\"}")).build())))
			.withMessageStartingWith("Plugin 'broken' of category 'llm' has an invalid config schema: ")
			.withMessageContaining("/type");
		assertThat(this.registry.getCategories()).doesNotContain("llm");
		assertThat(this.registry.getRegistrationFailures()).containsKey("llm");
	}

	@Test
	void schemaWithANonNumericMinimumFailsRegistration() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("llm",
					() -> List.of(PluginDescriptor.builder("broken")
						.configSchema(json("{\"properties\": {\"n\": {\"minimum\": \"x\"}}}"))
						.build())))
			.withMessageContaining("'broken'")
			.withMessageContaining("/properties/n/minimum");
	}

	@Test
	void typedLoadOfAFileEditedByHandIsCheckedAgainstTheSchemaNamingThePropertyButNotTheValue() throws IOException {
		// Written by hand, or by the Python library: never saved through the registry.
		Files.writeString(this.configDir.resolve(WHISPER + ".json"),
				"{\"device\": \"tpu-secret-value\", \"model\": \"base\"}", StandardCharsets.UTF_8);
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig(WHISPER, WhisperConfig.class))
			.withMessageContaining("'" + WHISPER + "'")
			.withMessageContaining("/device")
			.withMessageNotContaining("tpu-secret-value");
	}

	@Test
	void typedLoadThatCannotBindNamesThePropertyButNotTheValue() throws IOException {
		// With validation off, what the schema would refuse reaches the binding.
		this.registry.setValidationEnabled(false);
		Files.writeString(this.configDir.resolve(WHISPER + ".json"),
				"{\"device\": \"tpu-secret-value\", \"model\": \"base\"}", StandardCharsets.UTF_8);
		assertThatExceptionOfType(PluginConfigException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig(WHISPER, WhisperConfig.class))
			.withMessageContaining("'" + WHISPER + "'")
			.withMessageContaining(WhisperConfig.class.getName())
			.withMessageContaining("/device")
			.withMessageNotContaining("tpu-secret-value");
	}

	@Test
	void typedLoadWithoutARequiredValueSaysItIsMissing() {
		assertThatExceptionOfType(PluginConfigException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig(WHISPER, WhisperConfig.class))
			.withMessageEndingWith("value /model is missing or null but required");
	}

	@Test
	void typedLoadOfAnUnregisteredPluginBindsItsSavedValues() {
		this.registry.savePluginConfig("archive_whisper", json("{\"model\": \"tiny\", \"beamSize\": 3}"));
		assertThat(this.registry.loadPluginConfig("archive_whisper", WhisperConfig.class))
			.isEqualTo(new WhisperConfig(null, "tiny", 3, 0.0, null, null));
	}

	@Test
	void turningValidationOffAcceptsInvalidConfigsAndSchemas() {
		this.registry.setValidationEnabled(false);
		assertThat(this.registry.isValidationEnabled()).isFalse();
		assertThat(this.registry.savePluginConfig(WHISPER, json("{\"device\": \"tpu\"}"))).isTrue();
		this.registry.registerPluginManager("llm", () -> List
			.of(PluginDescriptor.builder("broken").configSchema(json("{\"type\": \"nonsense\"}")).build()));
		assertThat(this.registry.savePluginConfig("llm_broken", json("{\"a\": 1}"))).isTrue();
	}

	@Test
	void turningValidationBackOnChecksSchemasRegisteredWhileOff() {
		this.registry.setValidationEnabled(false);
		this.registry.registerPluginManager("llm", () -> List
			.of(PluginDescriptor.builder("broken").configSchema(json("{\"type\": \"nonsense\"}")).build()));
		this.registry.setValidationEnabled(true);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.savePluginConfig("llm_broken", json("{\"a\": 1}")))
			.withMessageStartingWith("Plugin 'llm_broken' has an invalid config schema: ");
	}

	@Test
	void manyPluginsSharingOneSchemaRegister() {
		List<PluginDescriptor> descriptors = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			descriptors.add(PluginDescriptor.builder("whisper" + i).configClass(WhisperConfig.class).build());
		}
		assertThat(this.registry.registerPluginManager("bulk", () -> descriptors)).hasSize(2000);
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig("bulk_whisper1999", json("{\"device\": \"tpu\"}")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(String json) {
		return MAPPER.readValue(json, LinkedHashMap.class);
	}

}
