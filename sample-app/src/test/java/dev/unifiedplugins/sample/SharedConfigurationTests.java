package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code shared} profile: two instances on one PostgreSQL, each with its own
 * config directory, see each other's changes over HTTP within a second or so.
 */
class SharedConfigurationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static EmbeddedPostgres postgres;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void startDatabaseAndTwoInstances() throws Exception {
		postgres = EmbeddedPostgres.start();
		first = start();
		second = start();
	}

	private static ConfigurableApplicationContext start() throws Exception {
		Path configDir = Files.createTempDirectory("plugins-shared-test");
		return new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class)
			.profiles("shared")
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + configDir,
					"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
					"--spring.datasource.username=postgres", "--spring.datasource.password=",
					"--sample.transcription.worker.enabled=false");
	}

	@AfterAll
	static void stopAll() throws Exception {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
			if (context != null) {
				context.close();
			}
		}
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void aChangeOnOneInstanceIsSeenOnTheOtherOverHttp() throws Exception {
		assertThat(configured(second, "transcription_whisper_tiny")).isFalse();
		long saved = System.nanoTime();
		first.getBean(UnifiedPluginRegistry.class).savePluginConfig("transcription_whisper_tiny",
				Map.of("device", "cuda"));
		long deadline = saved + Duration.ofSeconds(10).toNanos();
		while (!configured(second, "transcription_whisper_tiny") && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(configured(second, "transcription_whisper_tiny")).isTrue();
		JsonNode health = get(second, "/actuator/health").get("components").get("plugins");
		assertThat(health.get("details").get("configured").asInt()).isEqualTo(1);
		assertThat(health.get("details").has("store")).as("the store is reachable").isFalse();
	}

	private static boolean configured(ConfigurableApplicationContext context, String uniqueId) throws Exception {
		return get(context, "/actuator/plugins/" + uniqueId).get("configured").asBoolean();
	}

	private static JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
		return json.readTree(response.body());
	}

}
