package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.sample.transcription.WhisperConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The seed's whisper configuration from end to end: a schema generated from
 * {@link WhisperConfig}, a validated save, a load over the defaults, a typed load, and the
 * endpoint, here with {@code show-values=always} so the values can be checked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WhisperConfigEndToEndTests {

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StartedSample sample;

	private static UnifiedPluginRegistry registry;

	@BeforeAll
	static void startApplication() throws Exception {
		// Arguments, not default properties: application.yml would win over those.
		sample = StartedSample.start("plugins-whisper-test", StartedSample.sample(), "--server.address=127.0.0.1",
				"--management.endpoint.plugins.show-values=always", "--sample.transcription.worker.enabled=false");
		registry = sample.context().getBean(UnifiedPluginRegistry.class);
	}

	@AfterAll
	static void closeApplication() {
		StartedSample.close(sample, null);
	}

	@Test
	@Order(1)
	void theEndpointShowsTheGeneratedSchema() throws Exception {
		JsonNode schema = whisper().get("configSchema");
		assertThat(schema.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
		assertThat(schema.get("title").asString()).isEqualTo("Whisper Tiny");
		JsonNode device = schema.get("properties").get("device");
		assertThat(device.get("enum").toString()).isEqualTo("[\"cpu\",\"cuda\"]");
		assertThat(device.get("default").asString()).isEqualTo("cpu");
		assertThat(schema.get("properties").get("hf_token").get("writeOnly").asBoolean()).isTrue();
	}

	@Test
	@Order(1)
	void beforeAnySaveTheEffectiveConfigIsTheDefaults() throws Exception {
		JsonNode config = whisper().get("config");
		assertThat(config.get("device").asString()).isEqualTo("cpu");
		assertThat(config.get("language").asString()).isEqualTo("en");
		assertThat(config.get("beam_size").asInt()).isEqualTo(5);
		assertThat(registry.loadPluginConfig(WHISPER)).isEmpty();
	}

	@Test
	@Order(2)
	void aValidSaveIsLoadedOverTheDefaultsTypedAndShownWithTheTokenMasked() throws Exception {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("device", "cuda");
		config.put("hf_token", "hf_do_not_leak");
		assertThat(registry.savePluginConfig(WHISPER, config)).isTrue();
		assertThat(registry.loadPluginConfig(WHISPER)).isEqualTo(config);
		assertThat(registry.loadPluginConfigWithDefaults(WHISPER)).containsEntry("device", "cuda")
			.containsEntry("language", "en")
			.containsEntry("beam_size", 5);
		WhisperConfig typed = registry.loadPluginConfig(WHISPER, WhisperConfig.class);
		assertThat(typed.device()).isEqualTo(WhisperConfig.Device.CUDA);
		assertThat(typed.language()).isEqualTo("en");
		assertThat(typed.beamSize()).isEqualTo(5);
		assertThat(typed.hfToken()).isEqualTo("hf_do_not_leak");
		String body = get("/actuator/plugins/" + WHISPER).body();
		assertThat(body).doesNotContain("hf_do_not_leak");
		JsonNode shown = json.readTree(body);
		assertThat(shown.get("configured").asBoolean()).isTrue();
		assertThat(shown.get("config").get("device").asString()).isEqualTo("cuda");
		assertThat(shown.get("config").get("language").asString()).isEqualTo("en");
		assertThat(shown.get("config").get("hf_token").asString()).isEqualTo("******");
	}

	@Test
	@Order(3)
	void anInvalidSaveIsRefusedWithEveryViolationAndChangesNothing() throws Exception {
		byte[] before = Files.readAllBytes(sample.configDir().resolve(WHISPER + ".json"));
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> registry.savePluginConfig(WHISPER,
					Map.of("device", "tpu", "beam_size", 11, "language", "english")))
			.satisfies((ex) -> {
				assertThat(ex.violations()).extracting(ConfigViolation::path)
					.containsExactlyInAnyOrder("/device", "/beam_size", "/language");
				assertThat(ex.getMessage()).doesNotContain("tpu", "english");
			});
		assertThat(Files.readAllBytes(sample.configDir().resolve(WHISPER + ".json"))).isEqualTo(before);
		assertThat(whisper().get("config").get("device").asString()).isEqualTo("cuda");
	}

	private static JsonNode whisper() throws Exception {
		HttpResponse<String> response = get("/actuator/plugins/" + WHISPER);
		assertThat(response.statusCode()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(sample.baseUrl() + path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
	}

}
