package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Over HTTP against the started sample: a configuration written past the checks (a file
 * edited by hand) that the loaded plugin refuses shows in the {@code plugins} health as a
 * {@code loadErrors} entry, with the health still UP, and as a {@code plugins.reload} timer
 * with {@code outcome=failure}; a good configuration saved over the endpoint clears it.
 */
class LoadErrorsHttpTests {

	private static final String OLLAMA = "llm_ollama_local";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path configDir;

	@Test
	void aRefusedReloadIsALoadErrorInTheHealthUntilAGoodConfigurationIsApplied() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + this.configDir,
					"--sample.transcription.worker.enabled=false", "--plugins.watch.rescan-interval=200ms")) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(health(base).get("details").has("loadErrors")).isFalse();

			Files.writeString(this.configDir.resolve(OLLAMA + ".json"), "{\"url\": \"ftp://gpu-box/\"}");
			await().atMost(Duration.ofSeconds(15)).until(() -> health(base).get("details").has("loadErrors"));
			JsonNode failing = health(base);
			assertThat(failing.get("status").asString()).isEqualTo("UP");
			assertThat(failing.get("details").get("loadErrors").get(OLLAMA).asString()).contains("http://");
			assertThat(reloads(base, "failure")).isGreaterThanOrEqualTo(1.0);

			HttpResponse<String> saved = send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + OLLAMA))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"config\": {\"url\": \"http://gpu-box:11434\"}}")));
			assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(15)).until(() -> !health(base).get("details").has("loadErrors"));
			assertThat(reloads(base, "success")).isGreaterThanOrEqualTo(1.0);
		}
	}

	private JsonNode health(String base) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/plugins")));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private double reloads(String base, String outcome) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base
				+ "/actuator/metrics/plugins.reload?tag=plugin.category:llm&tag=outcome:" + outcome)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return this.json.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
