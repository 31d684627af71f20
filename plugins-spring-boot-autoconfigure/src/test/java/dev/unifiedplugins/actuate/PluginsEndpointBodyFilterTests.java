package dev.unifiedplugins.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.ForeignFileLock;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A save's body in the form the design fixes, {@code {"config": {...}}}, over real HTTP on
 * both web stacks and on a separate management port; the text form keeps working.
 */
class PluginsEndpointBodyFilterTests {

	private static final String ID = "stt_whisper";

	private static final String EXPOSURE = "--management.endpoints.web.exposure.include=";

	private static final String ACCESS = "--management.endpoint.plugins.access=";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@Test
	void servletSavesAnObjectConfigWithEveryDigitOfItsNumbers() throws Exception {
		String base = start(WebApplicationType.SERVLET);

		HttpResponse<String> saved = post(base, "{\"revision\": null, \"config\": {\"device\": \"cuda\", "
				+ "\"beam_size\": 7, \"extra\": {\"big\": 123456789012345678901234567890, \"ratio\": 0.10}}}");

		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(400);
		assertThat(json.readTree(saved.body()).get("violations").toString()).contains("/extra");
		assertThat(this.dir.resolve(ID + ".json")).doesNotExist();

		saved = post(base, "{\"config\": {\"device\": \"cuda\", \"beam_size\": 7}, \"revision\": \"\"}");
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		JsonNode detail = json.readTree(saved.body());
		assertThat(detail.get("configured").asBoolean()).isTrue();
		assertThat(detail.get("revision").asString()).isNotBlank();
		assertThat(json.readTree(Files.readString(this.dir.resolve(ID + ".json"))))
			.isEqualTo(json.readTree("{\"device\": \"cuda\", \"beam_size\": 7}"));

		// The revision read is still checked: saving again from "nothing stored" conflicts.
		assertThat(post(base, "{\"config\": {\"device\": \"cpu\"}, \"revision\": \"\"}").statusCode()).isEqualTo(409);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("cuda");
	}

	@Test
	void servletKeepsTheTextFormAndRefusesWhatIsNotAnObject() throws Exception {
		String base = start(WebApplicationType.SERVLET);

		assertThat(post(base, "{\"config\": \"{\\\"device\\\": \\\"cuda\\\"}\"}").statusCode()).isEqualTo(200);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cuda\"");

		HttpResponse<String> array = post(base, "{\"config\": [1, 2]}");
		assertThat(array.statusCode()).isEqualTo(400);
		assertThat(array.body()).contains("config must be a JSON object");
		assertThat(post(base, "{\"config\": {\"device\": ").statusCode()).isEqualTo(400);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cuda\"");

		// The configuration sent bare, as a newcomer first tries: the answer says how to send it.
		HttpResponse<String> bare = post(base, "{\"device\": \"cpu\"}");
		assertThat(bare.statusCode()).isEqualTo(400);
		assertThat(json.readTree(bare.body()).get("violations").get(0).get("message").asString())
			.isEqualTo("config is required: send the configuration as {\"config\": {...}}");
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cuda\"");
	}

	@Test
	void aBodyLargerThanTheConfigLimitIsRefusedWithOrWithoutALength() throws Exception {
		String base = start(WebApplicationType.SERVLET, "--plugins.max-config-size=1KB");
		String large = "{\"config\": {\"device\": \"" + "x".repeat(2000) + "\"}}";

		HttpResponse<String> refused = post(base, large);
		// Chunked, without a Content-Length: refused once the limit is passed while reading.
		HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofInputStream(() -> new java.io.ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(refused.statusCode()).isEqualTo(413);
		assertThat(chunked.statusCode()).isEqualTo(413);
		assertThat(this.dir.resolve(ID + ".json")).doesNotExist();
		assertThat(post(base, "{\"config\": {\"device\": \"cpu\"}}").statusCode()).isEqualTo(200);
	}

	@Test
	void aSeparateManagementPortTakesTheObjectForm() throws Exception {
		start(WebApplicationType.SERVLET, "--management.server.port=0");
		String base = "http://127.0.0.1:"
				+ this.applications.get(0).getEnvironment().getRequiredProperty("local.management.port");

		assertThat(post(base, "{\"config\": {\"device\": \"cuda\"}}").statusCode()).isEqualTo(200);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cuda\"");
	}

	@Test
	void webFluxSavesAnObjectConfigAndRefusesATooLargeBody() throws Exception {
		String base = start(WebApplicationType.REACTIVE, "--plugins.max-config-size=1KB");

		HttpResponse<String> saved = post(base, "{\"config\": {\"device\": \"cuda\", \"beam_size\": 3}}");
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		assertThat(json.readTree(saved.body()).get("configured").asBoolean()).isTrue();
		assertThat(json.readTree(Files.readString(this.dir.resolve(ID + ".json"))))
			.isEqualTo(json.readTree("{\"device\": \"cuda\", \"beam_size\": 3}"));

		assertThat(post(base, "{\"config\": {\"device\": \"" + "x".repeat(2000) + "\"}}").statusCode())
			.isEqualTo(413);
		assertThat(post(base, "{\"config\": \"{\\\"device\\\": \\\"cpu\\\"}\"}").statusCode()).isEqualTo(200);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cpu\"");
	}

	@Test
	void aPluginAnotherWriterHoldsIsServiceUnavailableWithRetryAfterOnBothStacks() throws Exception {
		for (WebApplicationType type : List.of(WebApplicationType.SERVLET, WebApplicationType.REACTIVE)) {
			String base = start(type, "--plugins.lock-timeout=200ms");
			assertThat(post(base, "{\"config\": {\"device\": \"cpu\"}}").statusCode()).isEqualTo(200);
			try (ForeignFileLock held = ForeignFileLock.hold(this.dir, ID)) {
				HttpResponse<String> saved = post(base, "{\"config\": {\"device\": \"cuda\"}}");
				assertThat(saved.statusCode()).as(type.name()).isEqualTo(503);
				assertThat(saved.headers().firstValue("Retry-After")).as(type.name()).contains("1");
				assertThat(saved.body()).contains(ID).contains("plugins.lock-timeout");
				HttpResponse<String> deleted = http.send(
						HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID)).DELETE().build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(deleted.statusCode()).as(type.name()).isEqualTo(503);
				assertThat(deleted.headers().firstValue("Retry-After")).as(type.name()).contains("1");
				assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"cpu\"");
			}
			HttpResponse<String> saved = post(base, "{\"config\": {\"device\": \"cuda\"}}");
			assertThat(saved.statusCode()).as(type.name()).isEqualTo(200);
			assertThat(saved.headers().firstValue("Retry-After")).isEmpty();
		}
	}

	@Test
	void aReadOnlyEndpointsPostsAreLeftAloneUnread() throws Exception {
		String large = "{\"config\": {\"device\": \"" + "x".repeat(2000) + "\"}}";
		for (WebApplicationType type : List.of(WebApplicationType.SERVLET, WebApplicationType.REACTIVE)) {
			String base = start(type, ACCESS + "read-only", "--plugins.max-config-size=1KB");
			// Not 413: no filter read the body; the endpoint has no write operation to take it.
			assertThat(post(base, large).statusCode()).as(type.name()).isEqualTo(405);
			assertThat(post(base, "{\"config\": {\"device\": \"cuda\"}}").statusCode()).as(type.name())
				.isEqualTo(405);
		}
		assertThat(this.dir.resolve(ID + ".json")).doesNotExist();
	}

	@Test
	void noFilterWhenTheEndpointIsNotServedOverTheWeb() {
		start(WebApplicationType.SERVLET, "--management.endpoints.web.exposure.include=health");
		assertThat(this.applications.get(0).getBeanNamesForType(FilterRegistrationBean.class))
			.doesNotContain("pluginsEndpointBodyFilter");
		start(WebApplicationType.REACTIVE, "--management.endpoints.web.exposure.include=health");
		assertThat(this.applications.get(1).getBeansOfType(PluginsEndpointBodyWebFilter.class)).isEmpty();
	}

	private String start(WebApplicationType type, String... more) {
		List<String> args = new ArrayList<>(List.of(more));
		if (args.stream().noneMatch((arg) -> arg.startsWith(ACCESS))) {
			args.add(ACCESS + "unrestricted");
		}
		if (args.stream().noneMatch((arg) -> arg.startsWith(EXPOSURE))) {
			args.add(EXPOSURE + "plugins");
		}
		return this.applications.start(new SpringApplicationBuilder(WhisperApplication.class).web(type), this.dir,
				args.toArray(String[]::new));
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}


	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WhisperApplication {

		@Bean
		PluginManager sttPluginManager() {
			return new TestPluginManager(PluginDescriptor.builder("whisper").configSchema(WriteFixtures.SCHEMA).build()) {

				@Override
				public String category() {
					return "stt";
				}

			};
		}

	}

}
