package dev.unifiedplugins.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ThisProcess;
import dev.unifiedplugins.testsupport.StartedApplications;
import org.jspecify.annotations.Nullable;
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

/**
 * The configuration history over real HTTP: {@code GET .../revisions}, {@code GET
 * .../revisions/{revision}} masked as the detail view under each {@code show-values}, and a
 * restore by {@code POST} with {@code "restore"}, which brings back the secrets the client
 * never saw; on the file store and on the JDBC store.
 */
class PluginsEndpointHistoryHttpTests {

	private static final String ID = "stt_whisper";

	private static final String MASK = MaskedValues.MASK;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@Test
	void theFileStoresHistoryIsListedShownAndRestoredWithItsSecrets() throws Exception {
		String base = start("--management.endpoint.plugins.show-values=always");
		String first = revision(
				post(base, "{\"config\": {\"device\": \"cpu\", \"beam_size\": 3, \"hf_token\": \"hf_FIRST\"}}"));
		String second = revision(post(base,
				"{\"config\": {\"device\": \"cuda\", \"hf_token\": \"hf_SECOND\"}, \"revision\": \"" + first + "\"}"));

		HttpResponse<String> list = get(base, "/revisions");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		JsonNode revisions = JSON.readTree(list.body()).get("revisions");
		assertThat(revisions).hasSize(2);
		assertThat(revisions.get(0).get("revision").asString()).isEqualTo(second);
		assertThat(revisions.get(1).get("revision").asString()).isEqualTo(first);
		for (JsonNode entry : revisions) {
			assertThat(entry.get("writtenBy").asString()).isEqualTo(ThisProcess.name());
			assertThat(Instant.parse(entry.get("writtenAt").asString())).isBefore(Instant.now().plusSeconds(1));
			assertThat(entry.get("deleted").asBoolean()).isFalse();
			assertThat(entry.properties()).extracting(Map.Entry::getKey)
				.containsExactly("revision", "writtenAt", "writtenBy", "deleted");
		}

		JsonNode old = JSON.readTree(get(base, "/revisions/" + first).body());
		assertThat(old.get("revision").asString()).isEqualTo(first);
		assertThat(old.get("writtenBy").asString()).isEqualTo(ThisProcess.name());
		assertThat(old.get("deleted").asBoolean()).isFalse();
		assertThat(old.get("config")).isEqualTo(JSON.readTree(
				"{\"device\": \"cpu\", \"beam_size\": 3, \"hf_token\": \"" + MASK + "\"}"));
		// What restoring it would change, compared with the real values: the secret differs.
		assertThat(old.get("changes").values()).containsExactlyInAnyOrder(
				JSON.readTree("{\"path\": \"/device\", \"from\": \"cuda\", \"to\": \"cpu\"}"),
				JSON.readTree("{\"path\": \"/beam_size\", \"from\": 5, \"to\": 3}"),
				JSON.readTree("{\"path\": \"/hf_token\", \"from\": \"" + MASK + "\", \"to\": \"" + MASK + "\"}"));

		// The client restores what it never saw: the secret comes from the history.
		HttpResponse<String> restored = post(base, "{\"restore\": \"" + first + "\", \"revision\": \"" + second + "\"}");
		assertThat(restored.statusCode()).isEqualTo(200);
		JsonNode detail = JSON.readTree(restored.body());
		assertThat(detail.get("config").get("device").asString()).isEqualTo("cpu");
		assertThat(detail.get("config").get("hf_token").asString()).isEqualTo(MASK);
		assertThat(detail.get("revision").asString()).isEqualTo(first).isEqualTo(storedRevision());
		assertThat(JSON.readTree(Files.readString(this.dir.resolve(ID + ".json"))))
			.isEqualTo(JSON.readTree("{\"device\": \"cpu\", \"beam_size\": 3, \"hf_token\": \"hf_FIRST\"}"));
		assertThat(JSON.readTree(get(base, "/revisions").body()).get("revisions")).hasSize(3);

		for (HttpResponse<String> response : List.of(list, get(base, "/revisions/" + first), restored)) {
			assertThat(response.body()).doesNotContain("hf_FIRST").doesNotContain("hf_SECOND");
		}
	}

	@Test
	void aRestoreThatCannotBeDoneAnswersWhyAndWritesNothing() throws Exception {
		String base = start("--management.endpoint.plugins.show-values=always");
		String first = revision(post(base, "{\"config\": {\"device\": \"cpu\"}}"));
		String second = revision(post(base, "{\"config\": {\"device\": \"cuda\"}}"));
		String file = Files.readString(this.dir.resolve(ID + ".json"));

		HttpResponse<String> stale = post(base, "{\"restore\": \"" + first + "\", \"revision\": \"" + first + "\"}");
		assertThat(stale.statusCode()).isEqualTo(409);
		assertThat(message(stale)).contains(ID).contains("changed elsewhere");
		HttpResponse<String> unknown = post(base, "{\"restore\": \"ffffffffffffffffffffffffffffffff\"}");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(message(unknown)).contains("ffffffffffffffffffffffffffffffff").contains(ID);
		HttpResponse<String> both = post(base, "{\"config\": {\"device\": \"cpu\"}, \"restore\": \"" + first + "\"}");
		assertThat(both.statusCode()).isEqualTo(400);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).isEqualTo(file);
		assertThat(storedRevision()).isEqualTo(second);

		assertThat(get(base, "/revisions/ffffffffffffffffffffffffffffffff").statusCode()).isEqualTo(404);
		assertThat(send(base, "GET", "/actuator/plugins/stt_nope/revisions", null).statusCode()).isEqualTo(404);
		assertThat(send(base, "GET", "/actuator/plugins/stt_nope/revisions/" + first, null).statusCode())
			.isEqualTo(404);
		assertThat(get(base, "/other").statusCode()).isEqualTo(404);
	}

	@Test
	void aDeletionIsListedHasNoConfigurationAndIsNothingToRestore() throws Exception {
		String base = start("--management.endpoint.plugins.show-values=always");
		String first = revision(post(base, "{\"config\": {\"device\": \"cuda\", \"hf_token\": \"hf_FIRST\"}}"));
		assertThat(send(base, "DELETE", "/actuator/plugins/" + ID, null).statusCode()).isEqualTo(200);

		JsonNode deletion = JSON.readTree(get(base, "/revisions").body()).get("revisions").get(0);
		assertThat(deletion.get("deleted").asBoolean()).isTrue();
		String revision = deletion.get("revision").asString();
		JsonNode shown = JSON.readTree(get(base, "/revisions/" + revision).body());
		assertThat(shown.get("deleted").asBoolean()).isTrue();
		assertThat(shown.has("config")).isTrue();
		assertThat(shown.get("config").isNull()).isTrue();
		HttpResponse<String> refused = post(base, "{\"restore\": \"" + revision + "\", \"revision\": \"\"}");
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("is a deletion");
		assertThat(this.dir.resolve(ID + ".json")).doesNotExist();

		// Back from before the deletion, expecting nothing stored.
		assertThat(post(base, "{\"restore\": \"" + first + "\", \"revision\": \"\"}").statusCode()).isEqualTo(200);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("hf_FIRST");
	}

	@Test
	void showValuesNeverMasksEveryValueOfARevisionAndNamesThoseThatDiffer() throws Exception {
		String base = start("--management.endpoint.plugins.show-values=never");
		String first = revision(post(base,
				"{\"config\": {\"device\": \"cuda\", \"beam_size\": 7, \"language\": \"de\", \"hf_token\": \"hf_X\"}}"));
		revision(post(base,
				"{\"config\": {\"device\": \"cuda\", \"beam_size\": 8, \"language\": \"de\", \"hf_token\": \"hf_Y\"}}"));

		HttpResponse<String> response = get(base, "/revisions/" + first);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode shown = JSON.readTree(response.body());
		assertThat(shown.get("config")).isEqualTo(JSON.readTree("{\"device\": \"" + MASK
				+ "\", \"beam_size\": \"" + MASK + "\", \"language\": \"" + MASK + "\", \"hf_token\": \"" + MASK + "\"}"));
		// Every value is hidden, and those that differ are named, those that do not left out.
		assertThat(shown.get("changes").values()).containsExactlyInAnyOrder(
				JSON.readTree("{\"path\": \"/beam_size\", \"from\": \"" + MASK + "\", \"to\": \"" + MASK + "\"}"),
				JSON.readTree("{\"path\": \"/hf_token\", \"from\": \"" + MASK + "\", \"to\": \"" + MASK + "\"}"));
		assertThat(response.body()).doesNotContain("cuda")
			.doesNotContain("\"de\"")
			.doesNotContain("hf_X")
			.doesNotContain("hf_Y");
	}

	@Test
	void theJdbcStoreRestoresAsANewNumberedRevision() throws Exception {
		String base = start("--management.endpoint.plugins.show-values=always", "--plugins.store-type=jdbc",
				"--spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		assertThat(revision(post(base, "{\"config\": {\"device\": \"cpu\", \"hf_token\": \"hf_FIRST\"}}")))
			.isEqualTo("1");
		assertThat(revision(post(base, "{\"config\": {\"device\": \"cuda\", \"hf_token\": \"hf_SECOND\"}}")))
			.isEqualTo("2");

		HttpResponse<String> restored = post(base, "{\"restore\": \"1\", \"revision\": \"2\"}");

		assertThat(revision(restored)).isEqualTo("3");
		assertThat(JSON.readTree(get(base, "/revisions").body()).get("revisions"))
			.extracting((entry) -> entry.get("revision").asString())
			.containsExactly("3", "2", "1");
		assertThat(registry().loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu", "hf_token", "hf_FIRST"));
		assertThat(JSON.readTree(get(base, "/revisions/3").body()).get("config"))
			.isEqualTo(JSON.readTree("{\"device\": \"cpu\", \"hf_token\": \"" + MASK + "\"}"));
		assertThat(post(base, "{\"restore\": \"2\", \"revision\": \"2\"}").statusCode()).isEqualTo(409);
	}

	@Test
	void readOnlyAccessServesTheHistoryButNoRestore() throws Exception {
		String base = start("--management.endpoint.plugins.access=read-only");
		String first = registry().savePluginConfig(ID, Map.of("device", "cpu"), ExpectedRevision.none());
		registry().savePluginConfig(ID, Map.of("device", "cuda"));

		assertThat(get(base, "/revisions").statusCode()).isEqualTo(200);
		assertThat(get(base, "/revisions/" + first).statusCode()).isEqualTo(200);
		assertThat(post(base, "{\"restore\": \"" + first + "\"}").statusCode()).isEqualTo(405);
		assertThat(registry().loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda"));
	}

	private String start(String... args) {
		List<String> all = new ArrayList<>(List.of("--management.endpoints.web.exposure.include=plugins"));
		all.addAll(List.of(args));
		if (all.stream().noneMatch((arg) -> arg.startsWith("--management.endpoint.plugins.access="))) {
			all.add("--management.endpoint.plugins.access=unrestricted");
		}
		return this.applications.start(
				new SpringApplicationBuilder(HistoryApplication.class).web(WebApplicationType.SERVLET), this.dir,
				all.toArray(String[]::new));
	}

	private UnifiedPluginRegistry registry() {
		return this.applications.last().getBean(UnifiedPluginRegistry.class);
	}

	private String storedRevision() {
		return registry().loadStoredPluginConfig(ID).orElseThrow().revision();
	}

	private static String revision(HttpResponse<String> saved) throws Exception {
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		return JSON.readTree(saved.body()).get("revision").asString();
	}

	private static String message(HttpResponse<String> response) throws Exception {
		return JSON.readTree(response.body()).get("message").asString();
	}

	private static HttpResponse<String> get(String base, String path) throws Exception {
		return send(base, "GET", "/actuator/plugins/" + ID + path, null);
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return send(base, "POST", "/actuator/plugins/" + ID, body);
	}

	private static HttpResponse<String> send(String base, String method, String path, @Nullable String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return HTTP.send(request
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HistoryApplication {

		@Bean
		PluginManager stt() {
			return WriteFixtures.manager();
		}

	}

}
