package dev.unifiedplugins.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ProcessTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The {@code /actuator/plugins} endpoint and the {@code plugins} health component, over
 * real HTTP against the started sample application with its real child processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginsEndpointHttpTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static StartedSample sample;

	@BeforeAll
	static void startApplication() throws IOException {
		// Arguments, not default properties: application.yml would win over those.
		sample = StartedSample.start("plugins-http-test", StartedSample.sample(), "--server.address=127.0.0.1");
	}

	@AfterAll
	static void closeApplication() {
		StartedSample.close(sample, null);
	}

	@Test
	@Order(1)
	void statsCountEveryPluginByCategory() throws Exception {
		JsonNode stats = getJson("/actuator/plugins").get("stats");
		assertThat(stats.get("total").asInt()).isEqualTo(4);
		assertThat(stats.get("local").asInt()).isEqualTo(3);
		assertThat(stats.get("cloud").asInt()).isEqualTo(1);
		assertThat(stats.get("withActiveResources").asInt()).isEqualTo(2);
		assertThat(stats.get("byCategory").get("llm").asInt()).isEqualTo(2);
		assertThat(stats.get("byCategory").get("transcription").asInt()).isEqualTo(2);
		assertThat(stats.get("configured").asInt() + stats.get("unconfigured").asInt()).isEqualTo(4);
	}

	@Test
	@Order(1)
	void categoriesCarryDisplayNames() throws Exception {
		JsonNode categories = getJson("/actuator/plugins").get("categories");
		assertThat(categories).hasSize(2);
		assertThat(categories.get(0).get("name").asString()).isEqualTo("llm");
		assertThat(categories.get(0).get("displayName").asString()).isEqualTo("Language Models");
		assertThat(categories.get(0).get("plugins").asInt()).isEqualTo(2);
		assertThat(categories.get(1).get("name").asString()).isEqualTo("transcription");
		assertThat(categories.get(1).get("displayName").asString()).isEqualTo("Speech to Text");
	}

	@Test
	@Order(1)
	void managedPidsAreTheLiveWorkerAndItsOwnChild() throws Exception {
		JsonNode body = getJson("/actuator/plugins");
		JsonNode managed = body.get("managedPids");
		assertThat(managed.propertyNames()).containsExactly("transcription_voxtral_vllm");
		List<Long> pids = pids(managed.get("transcription_voxtral_vllm"));
		assertThat(pids).hasSize(2).allMatch(ProcessTable::isRunning);
		long worker = pids.get(0);
		long engine = pids.get(1);
		assertThat(ProcessHandle.of(worker).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
			.contains(ProcessHandle.current().pid());
		assertThat(ProcessHandle.of(engine).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(worker);
		JsonNode voxtral = plugin(body, "transcription_voxtral_vllm");
		assertThat(pids(voxtral.get("pids"))).isEqualTo(pids);
		assertThat(voxtral.get("activeResources").asBoolean()).isTrue();
		assertThat(voxtral.get("executionMode").asString()).isEqualTo("subprocess");
	}

	@Test
	@Order(1)
	void pluginEntriesKeepRegistrationOrderAndShowNulls() throws Exception {
		JsonNode plugins = getJson("/actuator/plugins").get("plugins");
		List<String> ids = new ArrayList<>();
		plugins.forEach((plugin) -> ids.add(plugin.get("uniqueId").asString()));
		assertThat(ids).containsExactlyInAnyOrder("transcription_whisper_tiny", "transcription_voxtral_vllm",
				"llm_ollama_local", "llm_llama3_cloud");
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		assertThat(ids).isEqualTo(registry.getAllPlugins().stream().map((p) -> p.uniqueId()).toList());
		JsonNode whisper = plugin(getJson("/actuator/plugins"), "transcription_whisper_tiny");
		assertThat(whisper.has("remoteResource")).isTrue();
		assertThat(whisper.get("remoteResource").isNull()).isTrue();
		assertThat(whisper.has("error")).isFalse();
		assertThat(whisper.get("local").asBoolean()).isTrue();
	}

	@Test
	@Order(1)
	void cloudCostForOneHourAndADay() throws Exception {
		JsonNode oneHour = getJson("/actuator/plugins?hours=1").get("cloudCost");
		assertThat(oneHour.get("hours").asDouble()).isEqualTo(1.0);
		assertThat(oneHour.get("totalUsd").asDouble()).isCloseTo(4.40, within(1e-9));
		assertThat(oneHour.get("hourlyUsd").asDouble()).isCloseTo(4.40, within(1e-9));
		assertThat(oneHour.get("byPlugin").propertyNames()).containsExactly("llm_llama3_cloud");
		JsonNode day = getJson("/actuator/plugins?hours=24").get("cloudCost");
		assertThat(day.get("hours").asDouble()).isEqualTo(24.0);
		assertThat(day.get("totalUsd").asDouble()).isCloseTo(105.60, within(1e-9));
		assertThat(day.get("hourlyUsd").asDouble()).isCloseTo(4.40, within(1e-9));
		assertThat(day.get("byPlugin").get("llm_llama3_cloud").asDouble()).isCloseTo(105.60, within(1e-9));
		// 24 * 4.4 is 105.60000000000001 in binary floating point: USD is rounded to 6 decimals.
		assertThat(get("/actuator/plugins?hours=24").body()).contains("\"totalUsd\":105.6,")
			.contains("\"llm_llama3_cloud\":105.6}");
		JsonNode llama = plugin(getJson("/actuator/plugins"), "llm_llama3_cloud");
		assertThat(llama.get("remoteResource").get("status").asString()).isEqualTo("running");
		assertThat(llama.get("remoteResource").get("provider").asString()).isEqualTo("lambda_labs");
	}

	@Test
	@Order(1)
	void defaultHoursIsOne() throws Exception {
		assertThat(getJson("/actuator/plugins").get("cloudCost").get("hours").asDouble()).isEqualTo(1.0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-1", "NaN", "Infinity", "abc" })
	@Order(1)
	void hoursThatAreNotAFinitePositiveNumberAreABadRequest(String hours) throws Exception {
		assertThat(get("/actuator/plugins?hours=" + hours).statusCode()).isEqualTo(400);
	}

	@Test
	@Order(1)
	void unknownPluginIsNotFound() throws Exception {
		assertThat(get("/actuator/plugins/transcription_nope").statusCode()).isEqualTo(404);
	}

	@Test
	@Order(1)
	void illegalPluginIdIsABadRequest() throws Exception {
		assertThat(get("/actuator/plugins/bad!id").statusCode()).isEqualTo(400);
	}

	@Test
	@Order(1)
	void singlePluginShowsSchemaManagedResourcesAndMaskedConfig() throws Exception {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		assertThat(registry.savePluginConfig("transcription_voxtral_vllm",
				Map.of("model", "acme/voxtral-private-finetune", "limits", Map.of("max_batch", 8),
						"tags", List.of("gpu", "fast"))))
			.isTrue();
		HttpResponse<String> response = get("/actuator/plugins/transcription_voxtral_vllm");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("voxtral-private-finetune", "max_batch\":8", "\"gpu\"");
		JsonNode plugin = json.readTree(response.body());
		assertThat(plugin.get("uniqueId").asString()).isEqualTo("transcription_voxtral_vllm");
		assertThat(plugin.get("configured").asBoolean()).isTrue();
		assertThat(plugin.get("configSchema").get("type").asString()).isEqualTo("object");
		assertThat(plugin.get("managedResources").get("url").asString()).startsWith("http://127.0.0.1:");
		JsonNode config = plugin.get("config");
		assertThat(config.get("model").asString()).isEqualTo("******");
		assertThat(config.get("limits").get("max_batch").asString()).isEqualTo("******");
		assertThat(config.get("tags").get(0).asString()).isEqualTo("******");
		assertThat(config.get("tags").get(1).asString()).isEqualTo("******");
		assertThat(pids(plugin.get("pids"))).hasSize(2);
		assertThat(registry.deletePluginConfig("transcription_voxtral_vllm")).isTrue();
	}

	@Test
	@Order(1)
	void healthComponentIsUpWithCounts() throws Exception {
		JsonNode plugins = getJson("/actuator/health").get("components").get("plugins");
		assertThat(plugins.get("status").asString()).isEqualTo("UP");
		assertThat(plugins.get("details").get("categories").asInt()).isEqualTo(2);
		assertThat(plugins.get("details").get("plugins").asInt()).isEqualTo(4);
	}

	@Test
	@Order(1)
	void gaugesTheReadmeListsAreExposed() throws Exception {
		JsonNode registered = getJson("/actuator/metrics/plugins.registered");
		assertThat(registered.get("measurements").get(0).get("value").asDouble()).isEqualTo(4.0);
		assertThat(registered.get("availableTags").get(0).get("tag").asString()).isEqualTo("category");
		JsonNode hourly = getJson("/actuator/metrics/plugins.cloud.cost.hourly");
		assertThat(hourly.get("measurements").get(0).get("value").asDouble()).isCloseTo(4.40, within(1e-9));
		assertThat(get("/actuator/metrics/plugins.configured").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/metrics/plugins.managed.processes").statusCode()).isEqualTo(200);
	}

	@Test
	@Order(2)
	void closingTheApplicationEndsEveryManagedProcess() throws Exception {
		List<Long> pids = pids(getJson("/actuator/plugins").get("managedPids").get("transcription_voxtral_vllm"));
		assertThat(pids).isNotEmpty().allMatch(ProcessTable::isRunning);
		sample.context().close();
		sample = null;
		awaitGone(pids);
	}

	private static JsonNode plugin(JsonNode body, String uniqueId) {
		for (JsonNode plugin : body.get("plugins")) {
			if (plugin.get("uniqueId").asString().equals(uniqueId)) {
				return plugin;
			}
		}
		throw new AssertionError("No plugin " + uniqueId + " in " + body);
	}

	private static List<Long> pids(JsonNode array) {
		List<Long> pids = new ArrayList<>();
		array.forEach((pid) -> pids.add(pid.asLong()));
		return pids;
	}

	private static JsonNode getJson(String path) throws Exception {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as("status of GET " + path).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		return json.readTree(response.body());
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(sample.baseUrl() + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
