package dev.unifiedplugins.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.processes.ThisProcess;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.testsupport.StartedApplications;
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
 * The detail view's {@code applied} and a save's {@code "await"} over real HTTP with the
 * file store: this instance alone, under its default name, with the revision its own reload
 * applied; a plugin that is not loaded has no entry and its await answers at once.
 */
class PluginsEndpointAppliedHttpTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@Test
	void aLoadedPluginShowsThisInstanceAndAnAwaitedSaveItsOwnReload() throws Exception {
		String base = start(true);
		JsonNode loaded = detail(base, "stt_tuner").get("applied");
		assertThat(loaded.propertyNames()).containsExactly(ThisProcess.name());
		assertThat(loaded.get(ThisProcess.name()).get("revision").isNull()).isTrue();

		HttpResponse<String> saved = post(base, "stt_tuner", "{\"config\": {\"beam_size\": 3}, \"await\": \"10s\"}");
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(saved.body());
		assertThat(answer.get("awaited").asBoolean()).isTrue();
		JsonNode entry = answer.get("applied").get(ThisProcess.name());
		assertThat(entry.get("revision").asString()).isEqualTo(answer.get("revision").asString());
		assertThat(entry.get("error").isNull()).isTrue();
		assertThat(detail(base, "stt_tuner").get("applied")).isEqualTo(answer.get("applied"));
	}

	@Test
	void aPluginNotLoadedHasNoEntryAndItsAwaitAnswersAtOnce() throws Exception {
		String base = start(false);
		assertThat(detail(base, "stt_tuner").get("applied").isEmpty()).isTrue();
		HttpResponse<String> saved = post(base, "stt_tuner", "{\"config\": {\"beam_size\": 3}, \"await\": 5}");
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		JsonNode answer = JSON.readTree(saved.body());
		assertThat(answer.get("awaited").asBoolean()).isTrue();
		assertThat(answer.get("applied").isEmpty()).isTrue();
	}

	@Test
	void aDryRunIgnoresAwait() throws Exception {
		String base = start(true);
		HttpResponse<String> checked = post(base, "stt_tuner",
				"{\"config\": {\"beam_size\": 3}, \"dryRun\": true, \"await\": \"10s\"}");
		assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
		assertThat(JSON.readTree(checked.body()).propertyNames()).containsExactly("dryRun", "valid", "changes",
				"savedChanges");
	}

	private String start(boolean loadOnStart) {
		return this.applications.start(
				new SpringApplicationBuilder(TunerApplication.class).web(WebApplicationType.SERVLET), this.dir,
				"--plugins.systems.stt.type=" + TunerPlugin.class.getName(),
				"--plugins.systems.stt.load-on-start=" + loadOnStart,
				"--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted");
	}

	private static HttpResponse<String> post(String base, String id, String body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode detail(String base, String id) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id)).build(),
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
	 * @param beamSize beams searched
	 */
	public record TunerConfig(@JsonProperty(value = "beam_size", defaultValue = "5") int beamSize) {
	}

	/** A configurable plugin. */
	@PluginInfo(name = "tuner")
	public static class Tuner implements TunerPlugin, ConfigurablePlugin<TunerConfig> {

		@Override
		public void configure(TunerConfig config) {
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
