package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric that {@code docs/grafana/unified-plugins.json} queries is in the sample's
 * {@code /actuator/prometheus}, once the sample has loaded, saved, reloaded and terminated
 * something; and each observation's timer is in {@code /actuator/metrics} with its keys.
 */
class GrafanaDashboardHttpTests {

	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "unified-plugins.json");

	private static final Pattern METRIC = Pattern.compile("\\bplugins_[a-z_]+");

	private static final Pattern SERIES = Pattern.compile("^(plugins_[a-z_]+)[{ ]", Pattern.MULTILINE);

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void everyMetricTheDashboardQueriesIsExported() throws Exception {
		Set<String> queried = queriedMetrics();
		assertThat(queried).contains("plugins_registered", "plugins_load_seconds_count",
				"plugins_reload_seconds_count", "plugins_config_save_seconds_count", "plugins_cloud_terminations_total");
		Path configDir = Files.createTempDirectory("plugins-dashboard-test");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + configDir,
					"--sample.transcription.worker.enabled=false", "--plugins.cloud.idle-timeout=1s",
					"--plugins.cloud.check-interval=100ms")) {
			String base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
			// A cloud resource rented, then terminated when idle; a save, which reloads the plugin.
			send(HttpRequest.newBuilder(URI.create(base + "/llm/generate"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Hello\"}")));
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			registry.savePluginConfig("llm_llama3_cloud", Map.of("region", "eu-west-1"));
			Set<String> exported = Set.of();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < deadline) {
				exported = exportedMetrics(send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))));
				if (exported.containsAll(queried)) {
					break;
				}
				Thread.sleep(100);
			}
			assertThat(exported).containsAll(queried);
			assertTimer(base, "plugins.load", "plugin.category", "outcome");
			assertTimer(base, "plugins.reload", "plugin.category", "outcome");
			assertTimer(base, "plugins.config.save", "plugin.category", "outcome");
			assertTimer(base, "plugins.cloud.terminate", "plugin.category", "outcome", "reason");
			JsonNode terminate = JsonMapper.builder()
				.build()
				.readTree(send(HttpRequest.newBuilder(URI.create(base
						+ "/actuator/metrics/plugins.cloud.terminate?tag=reason:idle&tag=outcome:success&tag=plugin.category:llm"))));
			assertThat(terminate.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
		}
	}

	/** The observation's timer is in {@code /actuator/metrics} with the tags of its low-cardinality keys. */
	private void assertTimer(String base, String name, String... tags) throws Exception {
		JsonNode metric = JsonMapper.builder()
			.build()
			.readTree(send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + name))));
		Set<String> available = new TreeSet<>();
		metric.get("availableTags").forEach((tag) -> available.add(tag.get("tag").asString()));
		assertThat(available).as(name).contains(tags).doesNotContain("plugin.id");
	}

	private static Set<String> queriedMetrics() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> metrics = new TreeSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				Matcher matcher = METRIC.matcher(target.get("expr").asString());
				while (matcher.find()) {
					metrics.add(matcher.group());
				}
			}
		}
		return metrics;
	}

	private static Set<String> exportedMetrics(String scrape) {
		Set<String> metrics = new TreeSet<>();
		Matcher matcher = SERIES.matcher(scrape);
		while (matcher.find()) {
			metrics.add(matcher.group(1));
		}
		return metrics;
	}

	private String send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

}
