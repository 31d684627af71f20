package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run in docs/cost-guard-rails.md: the sample's cloud GPU, used over {@code POST /llm/generate}, is
 * terminated once idle for {@code plugins.cloud.idle-timeout}, and the endpoint shows why;
 * the next request rents a new one.
 */
class IdleCloudTerminationHttpTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void idleGpuIsTerminatedAndTheNextRequestRentsANewOne() throws Exception {
		Path configDir = Files.createTempDirectory("plugins-idle-test");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + configDir,
					"--sample.transcription.worker.enabled=false", "--plugins.cloud.idle-timeout=1s",
					"--plugins.cloud.check-interval=100ms")) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			JsonNode first = post(base + "/llm/generate", "{\"prompt\":\"Hello\"}");
			assertThat(first.get("plugin").asString()).isEqualTo("llm_llama3_cloud");
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			JsonNode cost = null;
			while (System.nanoTime() < deadline) {
				cost = llama(get(base + "/actuator/plugins")).path("cloudCost");
				if (cost.path("lastTermination").isObject()) {
					break;
				}
				Thread.sleep(100);
			}
			assertThat(cost.path("lastTermination").path("reason").asString()).isEqualTo("IDLE");
			assertThat(cost.path("lastTermination").path("succeeded").asBoolean()).isTrue();
			assertThat(cost.path("lastTermination").path("hourlyUsd").asDouble()).isEqualTo(4.40);
			assertThat(cost.path("accruedUsd").asDouble()).isPositive();
			JsonNode plugins = get(base + "/actuator/plugins");
			assertThat(llama(plugins).path("remoteResource").path("status").asString()).isEqualTo("terminated");
			assertThat(plugins.path("cloudCost").path("accruedUsd").asDouble()).isPositive();
			assertThat(plugins.path("cloudCost").has("budget")).isTrue();
			assertThat(plugins.path("cloudCost").get("budget").isNull()).as("no budget set in the sample").isTrue();
			JsonNode second = post(base + "/llm/generate", "{\"prompt\":\"Back again\"}");
			assertThat(second.get("instanceId").asString()).isNotEqualTo(first.get("instanceId").asString());
		}
	}

	private static JsonNode llama(JsonNode plugins) {
		for (JsonNode plugin : plugins.get("plugins")) {
			if (plugin.get("uniqueId").asString().equals("llm_llama3_cloud")) {
				return plugin;
			}
		}
		throw new AssertionError("llm_llama3_cloud is not in " + plugins);
	}

	private JsonNode get(String url) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private JsonNode post(String url, String body) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

}
