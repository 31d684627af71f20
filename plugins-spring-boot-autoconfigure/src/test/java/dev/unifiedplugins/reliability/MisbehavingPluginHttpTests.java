package dev.unifiedplugins.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Plugins whose getters hang (ignoring interrupts) or throw, in a started application over
 * real HTTP: {@code /actuator/plugins}, a plugin's detail, the health and the gauges all
 * answer, each within {@link #ANSWER_BOUND}, though two plugins never return; each
 * misbehaving plugin's entry names what went wrong, and the well-behaved plugin's figures
 * are as they should be.
 */
class MisbehavingPluginHttpTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/**
	 * The longest any answer may take: an answer that waited for a hung plugin would never
	 * come. With {@code plugins.resource-timeout} at 500 ms an answer takes about that; the
	 * bound is ten times as long, room for a first request's warm-up on a loaded 2-core CI
	 * machine. A bound, not a measure of speed.
	 */
	private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

	private static final CountDownLatch release = new CountDownLatch(1);

	/**
	 * What a hung plugin's entry says: it did not answer, or (asked already by the process
	 * tracker, whose call still hangs) a previous call has not returned.
	 */
	private static final String[] HUNG = { "did not answer within 500ms", "has not returned yet (waited 500ms)" };

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@AfterEach
	void releaseHungPlugins() {
		// Left hung until now on purpose; later tests start from nothing hung.
		release.countDown();
	}

	@Test
	void everyReadAnswersOnTimeWithTheErrorInTheMisbehavingPluginsOwnEntry() throws Exception {
		String base = this.applications.start(
				new SpringApplicationBuilder(MisbehavingApplication.class).web(WebApplicationType.SERVLET), this.dir,
				"--plugins.resource-timeout=500ms", "--management.endpoints.web.exposure.include=plugins,health,metrics",
				"--management.endpoint.health.show-details=always");
		for (int round = 0; round < 2; round++) {
			JsonNode answer = get(base, "/actuator/plugins");
			Map<String, JsonNode> entries = new HashMap<>();
			answer.get("plugins").forEach((entry) -> entries.put(entry.get("uniqueId").asString(), entry));
			assertThat(entries.get("llm_pids_hang").get("error").asString()).containsAnyOf(HUNG);
			assertThat(entries.get("llm_remote_throws").get("error").asString()).contains("provider API down");
			assertThat(entries.get("llm_cost_hangs").get("error").asString()).containsAnyOf(HUNG);
			assertThat(entries.get("llm_good").has("error")).isFalse();
			assertThat(answer.get("cloudCost").get("hourlyUsd").asDouble()).isEqualTo(3.0);
		}
		assertThat(get(base, "/actuator/plugins/llm_pids_hang").get("error").asString()).containsAnyOf(HUNG);
		JsonNode good = get(base, "/actuator/plugins/llm_good");
		assertThat(good.has("error")).isFalse();
		assertThat(good.get("remoteResource").get("status").asString()).isEqualTo("running");
		assertThat(get(base, "/actuator/health").get("components").get("plugins").get("status").asString())
			.as("health calls no plugin")
			.isEqualTo("UP");
		assertThat(get(base, "/actuator/metrics/plugins.cloud.cost.hourly").get("measurements").get(0).get("value")
			.asDouble()).isEqualTo(3.0);
	}

	private static JsonNode get(String base, String path) {
		HttpResponse<String> response = assertTimeoutPreemptively(ANSWER_BOUND,
				() -> HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
						HttpResponse.BodyHandlers.ofString()),
				path);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class MisbehavingApplication {

		@Bean
		PluginManager llm() {
			Map<String, Object> instances = new LinkedHashMap<>();
			instances.put("good", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> 3.0 * hours));
			instances.put("pids_hang", new TestPlugins.Lifecycle(() -> {
				TestPlugins.hangIgnoringInterrupts(release);
				return List.of();
			}));
			instances.put("remote_throws", new TestPlugins.Cloud(() -> {
				throw new IllegalStateException("provider API down");
			}, (hours) -> 1.0));
			instances.put("cost_hangs", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> {
				TestPlugins.hangIgnoringInterrupts(release);
				return 1.0;
			}));
			return TestPluginManager.of(instances);
		}

	}

}
