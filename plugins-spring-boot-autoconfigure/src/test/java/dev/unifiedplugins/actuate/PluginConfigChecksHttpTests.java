package dev.unifiedplugins.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.testsupport.StartedApplications;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
 * The checks before a save over real HTTP, on a started application whose plugin is loaded:
 * the plugin's refusal is a 400 with its message and nothing is written or announced; a
 * dry run ({@code "dryRun": true}) lists the changes, masked as the detail view masks
 * values, and writes nothing.
 */
class PluginConfigChecksHttpTests {

	private static final String ID = "stt_tuner";

	private static final String MASK = MaskedValues.MASK;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	@Test
	void aSaveThePluginRefusesIsABadRequestWithItsMessageAndNothingIsWrittenOrAnnounced() throws Exception {
		String base = start("never");
		assertThat(post(base, "{\"config\": {\"beam_size\": 3}}").statusCode()).isEqualTo(200);
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();

		HttpResponse<String> refused = post(base, "{\"config\": {\"device\": \"cpu\", \"beam_size\": 8}}");

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree(
				"{\"violations\": [{\"path\": \"\", \"message\": \"a beam size above 4 needs device cuda\"}]}"));
		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
		assertThat(detail(base).get("config").get("beam_size").asString()).isEqualTo(MASK);
		assertThat(post(base, "{\"config\": {\"device\": \"cuda\", \"beam_size\": 8}}").statusCode()).isEqualTo(200);
		assertThat(this.changes).hasSize(1);
	}

	@Test
	void aDryRunUnderShowValuesNeverListsMaskedChangesAndWritesNothing() throws Exception {
		String base = start("never");
		assertThat(post(base, "{\"config\": {\"beam_size\": 3, \"hf_token\": \"hf_SECRET\", \"language\": \"en\"}}")
			.statusCode()).isEqualTo(200);
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();

		// What a client read, sent back with its changes: the masked token is the saved one.
		HttpResponse<String> dryRun = post(base, "{\"config\": {\"device\": \"cuda\", \"beam_size\": 3, "
				+ "\"hf_token\": \"******\"}, \"dryRun\": true}");

		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
		assertThat(JSON.readTree(dryRun.body())).isEqualTo(JSON.readTree("{\"dryRun\": true, \"valid\": true, "
				+ "\"changes\": [{\"path\": \"/device\", \"from\": \"******\", \"to\": \"******\"}, "
				+ "{\"path\": \"/language\", \"from\": \"******\", \"to\": null}], "
				+ "\"savedChanges\": [{\"path\": \"/language\", \"from\": \"******\", \"to\": null}, "
				+ "{\"path\": \"/device\", \"from\": null, \"to\": \"******\"}]}"));
		assertThat(dryRun.body()).doesNotContain("cuda").doesNotContain("hf_SECRET");
		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
	}

	@Test
	void aDryRunUnderShowValuesAlwaysListsRealValuesButNeverASecret() throws Exception {
		String base = start("always");
		assertThat(post(base, "{\"config\": {\"beam_size\": 3, \"hf_token\": \"hf_SECRET\"}}").statusCode())
			.isEqualTo(200);
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();

		HttpResponse<String> dryRun = post(base,
				"{\"config\": {\"device\": \"cuda\", \"beam_size\": 3, \"hf_token\": \"hf_OTHER\"}, \"dryRun\": true}");

		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
		assertThat(JSON.readTree(dryRun.body())).isEqualTo(JSON.readTree("{\"dryRun\": true, \"valid\": true, "
				+ "\"changes\": [{\"path\": \"/device\", \"from\": \"cpu\", \"to\": \"cuda\"}, "
				+ "{\"path\": \"/hf_token\", \"from\": \"******\", \"to\": \"******\"}], "
				+ "\"savedChanges\": [{\"path\": \"/hf_token\", \"from\": \"******\", \"to\": \"******\"}, "
				+ "{\"path\": \"/device\", \"from\": null, \"to\": \"cuda\"}]}"));
		assertThat(dryRun.body()).doesNotContain("hf_SECRET").doesNotContain("hf_OTHER");
		assertThat(JSON.readTree(post(base, "{\"config\": {\"beam_size\": 3, \"hf_token\": \"******\"}, "
				+ "\"dryRun\": true}").body()).get("changes").size()).isZero();
		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
	}

	@Test
	void aDryRunWithNothingSavedListsEveryValueTheFirstSaveWouldStore() throws Exception {
		String base = start("always");
		this.changes.clear();

		// A form sends every field: one value changes, and the save would store both, the
		// device at its default too, as the first revision.
		HttpResponse<String> dryRun = post(base,
				"{\"config\": {\"device\": \"cpu\", \"beam_size\": 3}, \"revision\": \"\", \"dryRun\": true}");

		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
		assertThat(JSON.readTree(dryRun.body())).isEqualTo(JSON.readTree("{\"dryRun\": true, \"valid\": true, "
				+ "\"changes\": [{\"path\": \"/beam_size\", \"from\": 5, \"to\": 3}], "
				+ "\"savedChanges\": [{\"path\": \"/device\", \"from\": null, \"to\": \"cpu\"}, "
				+ "{\"path\": \"/beam_size\", \"from\": null, \"to\": 3}]}"));
		assertThat(file()).doesNotExist();
		assertThat(this.changes).isEmpty();

		// Once saved so, the same save would store what is stored: nothing changes at all.
		assertThat(post(base, "{\"config\": {\"device\": \"cpu\", \"beam_size\": 3}}").statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(post(base, "{\"config\": {\"device\": \"cpu\", \"beam_size\": 3}, \"dryRun\": true}")
			.body())).isEqualTo(JSON.readTree("{\"dryRun\": true, \"valid\": true, \"changes\": [], \"savedChanges\": []}"));
	}

	@Test
	void aDryRunGetsTheAnswerTheSaveWouldGet() throws Exception {
		String base = start("always");
		assertThat(post(base, "{\"config\": {\"beam_size\": 3}}").statusCode()).isEqualTo(200);
		String revision = detail(base).get("revision").asString();
		byte[] saved = Files.readAllBytes(file());

		HttpResponse<String> refused = post(base, "{\"config\": {\"beam_size\": 8}, \"dryRun\": true}");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(refused.body()).contains("a beam size above 4 needs device cuda");
		HttpResponse<String> schema = post(base, "{\"config\": {\"beam_size\": 11}, \"dryRun\": true}");
		assertThat(schema.statusCode()).as(schema.body()).isEqualTo(400);
		assertThat(JSON.readTree(schema.body()).get("violations").get(0).get("path").asString()).isEqualTo("/beam_size");
		HttpResponse<String> stale = post(base,
				"{\"config\": {\"beam_size\": 2}, \"revision\": \"not-" + revision + "\", \"dryRun\": true}");
		assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
		HttpResponse<String> current = post(base,
				"{\"config\": {\"beam_size\": 2}, \"revision\": \"" + revision + "\", \"dryRun\": true}");
		assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
		assertThat(Files.readAllBytes(file())).isEqualTo(saved);

		HttpResponse<String> notADryRun = post(base, "{\"config\": {\"beam_size\": 2}, \"dryRun\": false}");
		assertThat(notADryRun.statusCode()).as(notADryRun.body()).isEqualTo(200);
		assertThat(JSON.readTree(notADryRun.body()).get("config").get("beam_size").asInt()).isEqualTo(2);
	}

	private String start(String showValues) {
		String base = this.applications.start(
				new SpringApplicationBuilder(TunerApplication.class).web(WebApplicationType.SERVLET), this.dir,
				"--plugins.systems.stt.type=" + TunerPlugin.class.getName(), "--plugins.systems.stt.load-on-start=true",
				"--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted",
				"--management.endpoint.plugins.show-values=" + showValues);
		UnifiedPluginRegistry registry = this.applications.get(0).getBean(UnifiedPluginRegistry.class);
		assertThat(registry.getPluginInstance(ID)).as("loaded on start").isPresent();
		registry.addChangeListener(this.changes::add);
		return base;
	}

	private Path file() {
		return this.dir.resolve(ID + ".json");
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode detail(String base) throws Exception {
		HttpResponse<String> response = HTTP.send(
				HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	/** A plugin interface, whose beans are the {@code stt} plugin system. */
	public interface TunerPlugin {

	}

	/**
	 * How the tuner decodes.
	 *
	 * @param device where it runs
	 * @param beamSize beams searched
	 * @param language the spoken language
	 * @param hfToken a token, a secret by its name
	 */
	public record TunerConfig(@JsonProperty(defaultValue = "cpu") String device,
			@JsonProperty(value = "beam_size", defaultValue = "5") @Min(1) @Max(10) int beamSize,
			@Nullable String language, @JsonProperty("hf_token") @Nullable String hfToken) {
	}

	/** Refuses what its schema cannot say: a large beam on the CPU. */
	@PluginInfo(name = "tuner")
	public static class Tuner implements TunerPlugin, ConfigurablePlugin<TunerConfig> {

		@Override
		public void configure(TunerConfig config) {
		}

		@Override
		public void validate(TunerConfig config) {
			if ("cpu".equals(config.device()) && config.beamSize() > 4) {
				throw new IllegalArgumentException("a beam size above 4 needs device cuda");
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TunerApplication {

		@Bean
		Tuner tuner() {
			return new Tuner();
		}

	}

}
