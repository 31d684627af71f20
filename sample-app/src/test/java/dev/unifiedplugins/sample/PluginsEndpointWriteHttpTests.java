package dev.unifiedplugins.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write operations of {@code /actuator/plugins} over real HTTP against the sample,
 * which allows writes: what each status means for the config file, the secrets and the
 * worker processes. (Audit events need Spring Security, which the sample has not: see
 * PluginsEndpointAutoConfigurationTests.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginsEndpointWriteHttpTests {

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static StartedSample sample;

	@BeforeAll
	static void startApplication() throws IOException {
		sample = StartedSample.start("plugins-write-test", StartedSample.sample(),
				"--management.endpoint.plugins.show-values=always");
	}

	@AfterAll
	static void closeApplication() {
		StartedSample.close(sample, null);
	}

	@Test
	@Order(1)
	void theDetailViewCarriesTheRevisionNullWhenNothingIsSaved() throws Exception {
		HttpResponse<String> response = send("GET", "/" + WHISPER, null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"revision\":null");
	}

	@Test
	@Order(2)
	void aValidSaveWritesTheFileAndAnswersTheNewRevision() throws Exception {
		HttpResponse<String> response = save(WHISPER,
				"{\"device\": \"cuda\", \"beam_size\": 3, \"hf_token\": \"hf_SECRET\"}", null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		JsonNode detail = json.readTree(response.body());
		assertThat(detail.get("configured").asBoolean()).isTrue();
		assertThat(detail.get("revision").asString()).isEqualTo(storedRevision());
		assertThat(detail.get("config").get("device").asString()).isEqualTo("cuda");
		assertThat(detail.get("config").get("hf_token").asString()).isEqualTo("******");
		assertThat(response.body()).doesNotContain("hf_SECRET");
		assertThat(json.readTree(Files.readString(sample.configDir().resolve(WHISPER + ".json"))))
			.isEqualTo(json.readTree("{\"device\": \"cuda\", \"beam_size\": 3, \"hf_token\": \"hf_SECRET\"}"));
		assertThat(json.readTree(send("GET", "/" + WHISPER, null).body()).get("revision").asString())
			.isEqualTo(storedRevision());
	}

	@Test
	@Order(3)
	void anInvalidSaveAnswersTheViolationsAndLeavesTheFile() throws Exception {
		String before = Files.readString(sample.configDir().resolve(WHISPER + ".json"));

		HttpResponse<String> response = save(WHISPER, "{\"device\": \"tpu\", \"beam_size\": 11, \"language\": \"english\"}",
				storedRevision());

		assertThat(response.statusCode()).isEqualTo(400);
		List<String> paths = new ArrayList<>();
		json.readTree(response.body()).get("violations").forEach((violation) -> paths.add(violation.get("path").asString()));
		assertThat(paths).containsExactlyInAnyOrder("/device", "/beam_size", "/language");
		assertThat(response.body()).doesNotContain("tpu").doesNotContain("english");
		assertThat(Files.readString(sample.configDir().resolve(WHISPER + ".json"))).isEqualTo(before);
	}

	@Test
	@Order(4)
	void aMaskSentBackKeepsTheSavedSecret() throws Exception {
		HttpResponse<String> response = save(WHISPER, "{\"device\": \"cpu\", \"hf_token\": \"******\"}",
				storedRevision());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Files.readString(sample.configDir().resolve(WHISPER + ".json")))
			.contains("\"hf_token\": \"hf_SECRET\"")
			.contains("\"device\": \"cpu\"");
	}

	@Test
	@Order(5)
	void aStaleRevisionIsAConflictAndWritesNothing() throws Exception {
		String stale = storedRevision();
		assertThat(save(WHISPER, "{\"device\": \"cuda\", \"hf_token\": \"******\"}", stale).statusCode()).isEqualTo(200);
		String before = Files.readString(sample.configDir().resolve(WHISPER + ".json"));

		HttpResponse<String> response = save(WHISPER, "{\"device\": \"cpu\"}", stale);

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(json.readTree(response.body()).get("message").asString()).contains(WHISPER)
			.contains("changed elsewhere");
		assertThat(Files.readString(sample.configDir().resolve(WHISPER + ".json"))).isEqualTo(before);
	}

	@Test
	@Order(6)
	void unknownPluginsAreNotFoundAndIllegalIdsBadRequests() throws Exception {
		assertThat(save("transcription_nope", "{}", null).statusCode()).isEqualTo(404);
		assertThat(send("DELETE", "/transcription_nope", null).statusCode()).isEqualTo(404);
		assertThat(send("DELETE", "/transcription_nope/resources", null).statusCode()).isEqualTo(404);
		assertThat(save("bad!id", "{}", null).statusCode()).isEqualTo(400);
		assertThat(send("POST", "/" + WHISPER, "{\"config\": [\"cpu\"]}").statusCode()).isEqualTo(400);
	}

	@Test
	@Order(7)
	void deletingTheConfigurationGoesBackToTheDefaults() throws Exception {
		HttpResponse<String> response = send("DELETE", "/" + WHISPER, null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode detail = json.readTree(response.body());
		assertThat(detail.get("configured").asBoolean()).isFalse();
		assertThat(detail.get("revision").isNull()).isTrue();
		assertThat(detail.get("config").get("device").asString()).isEqualTo("cpu");
		assertThat(sample.configDir().resolve(WHISPER + ".json")).doesNotExist();
	}

	@Test
	@Order(8)
	void stoppingResourcesEndsTheWorkerAndTerminatesTheGpu() throws Exception {
		List<Long> pids = new ArrayList<>();
		json.readTree(send("GET", "", null).body())
			.get("managedPids")
			.get("transcription_voxtral_vllm")
			.forEach((pid) -> pids.add(pid.asLong()));
		assertThat(pids).hasSize(2).allMatch(ProcessTable::isRunning);

		HttpResponse<String> worker = send("DELETE", "/transcription_voxtral_vllm/resources", null);
		assertThat(worker.statusCode()).isEqualTo(200);
		assertThat(json.readTree(worker.body())).isEqualTo(
				json.readTree("{\"cleanedUp\": true, \"terminated\": false, \"endedPids\": [], \"errors\": []}"));
		awaitGone(pids);

		HttpResponse<String> gpu = send("DELETE", "/llm_llama3_cloud/resources", null);
		assertThat(json.readTree(gpu.body()).get("terminated").asBoolean()).isTrue();
		JsonNode plugins = json.readTree(send("GET", "", null).body());
		assertThat(plugins.get("cloudCost").get("hourlyUsd").asDouble()).isZero();
		assertThat(send("DELETE", "/llm_llama3_cloud/other", null).statusCode()).isEqualTo(404);
	}

	@Test
	@Order(9)
	void aDryRunOfTheDefaultsWithNothingSavedSaysWhatTheFirstRevisionWouldStore() throws Exception {
		HttpResponse<String> response = send("POST", "/llm_llama3_cloud", "{\"config\": {\"gpu_type\": \"A100\", "
				+ "\"gpu_count\": 1}, \"revision\": \"\", \"dryRun\": true}");

		// No effective value changes, yet a save would write these values: the answer says so.
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(json.readTree(response.body())).isEqualTo(json.readTree("{\"dryRun\": true, \"valid\": true, "
				+ "\"changes\": [], \"savedChanges\": [{\"path\": \"/gpu_type\", \"from\": null, \"to\": \"A100\"}, "
				+ "{\"path\": \"/gpu_count\", \"from\": null, \"to\": 1}]}"));
		assertThat(sample.configDir().resolve("llm_llama3_cloud.json")).doesNotExist();
	}

	private static String storedRevision() {
		return sample.context()
			.getBean(UnifiedPluginRegistry.class)
			.loadStoredPluginConfig(WHISPER)
			.orElseThrow()
			.revision();
	}

	/**
	 * POSTs a configuration, given as JSON text, in the documented form: a JSON object with
	 * the revision read.
	 */
	private static HttpResponse<String> save(String uniqueId, String config, String revision) throws Exception {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("config", json.readTree(config));
		if (revision != null) {
			body.put("revision", revision);
		}
		return send("POST", "/" + uniqueId, json.writeValueAsString(body));
	}

	private static HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sample.baseUrl() + "/actuator/plugins" + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
