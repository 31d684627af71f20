package dev.unifiedplugins.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Numbers over real HTTP are stored as sent or refused, and every 400 of a save says what
 * is wrong without quoting what was sent: an application is started, and its
 * {@code plugins} endpoint posted to, as a client would.
 */
class PluginsEndpointNumbersTests {

	private static final String ID = "tools_free";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			1e400                     | out of a double's range
			-1e400                    | out of a double's range
			1.5e-400                  | too close to zero
			-1.5e-400                 | too close to zero
			0.10000000000000000000001 | more precise than a double
			9007199254740993.0        | more precise than a double
			""")
	void aNumberThatWouldNotReadBackAsSentIsRefusedByItsPath(String number, String problem) throws Exception {
		String base = start(WebApplicationType.SERVLET);

		HttpResponse<String> refused = post(base, "{\"config\": {\"model\": \"tiny\", \"limits\": [1, {\"rate\": "
				+ number + "}]}}");

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(violation(refused, "/limits/1/rate")).contains(problem).doesNotContain(number);
		assertThat(configFile()).doesNotExist();
	}

	@Test
	void numbersADoubleHoldsAndIntegersOf4300DigitsAreStoredAsSentAndPythonReadsThem() throws Exception {
		String base = start(WebApplicationType.SERVLET);
		String digits = "9".repeat(4300);

		HttpResponse<String> saved = post(base, "{\"config\": {\"big\": " + digits + ", \"negative_big\": -" + digits
				+ ", \"ratio\": 0.1, \"huge\": 1e300, \"tiny\": 5e-324, \"negative_zero\": -0.0, \"padded\": 0.10}}");

		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		String stored = Files.readString(configFile());
		assertThat(stored).contains("\"big\": " + digits + ",").contains("\"negative_big\": -" + digits + ",");
		JsonNode config = JsonMapper
			.builder(JsonFactory.builder()
				.streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(4300).build())
				.build())
			.build()
			.readTree(stored);
		assertThat(config.get("ratio").doubleValue()).isEqualTo(0.1);
		assertThat(config.get("huge").doubleValue()).isEqualTo(1e300);
		assertThat(config.get("tiny").doubleValue()).isEqualTo(Double.MIN_VALUE);
		assertThat(Double.doubleToRawLongBits(config.get("negative_zero").doubleValue()))
			.isEqualTo(Double.doubleToRawLongBits(-0.0));
		assertThat(config.get("padded").doubleValue()).isEqualTo(0.1);

		assertThat(python("import json, sys\n" + "c = json.load(open(sys.argv[1]))\n"
				+ "d = int('9' * 4300)\n"
				+ "print(c['big'] == d, c['negative_big'] == -d, c['ratio'] == 0.1, c['huge'] == 1e300, "
				+ "c['tiny'] == 5e-324, str(c['negative_zero']), c['padded'] == 0.1)", configFile()))
			.isEqualTo("True True True True True -0.0 True");
	}

	@Test
	void anIntegerOfMoreThan4300DigitsIsRefusedByItsPath() throws Exception {
		String base = start(WebApplicationType.SERVLET);

		HttpResponse<String> refused = post(base, "{\"config\": {\"seed\": -" + "9".repeat(4301) + "}}");

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(violation(refused, "/seed")).contains("more than 4300 digits");
		assertThat(refused.body()).doesNotContain("9999");
		assertThat(configFile()).doesNotExist();
	}

	@ParameterizedTest
	@EnumSource(names = { "SERVLET", "REACTIVE" })
	void nanAndTheInfinitiesAreRefusedByTheirPathInEitherForm(WebApplicationType type) throws Exception {
		String base = start(type);

		for (String nan : List.of("NaN", "Infinity", "-Infinity")) {
			HttpResponse<String> object = post(base, "{\"config\": {\"weights\": [0.5, " + nan + "]}}");
			assertThat(object.statusCode()).as(object.body()).isEqualTo(400);
			assertThat(violation(object, "/weights/1")).contains("NaN or an infinity");

			HttpResponse<String> text = post(base, "{\"config\": \"{\\\"weights\\\": [0.5, " + nan + "]}\"}");
			assertThat(text.statusCode()).as(text.body()).isEqualTo(400);
			assertThat(violation(text, "/weights/1")).contains("NaN or an infinity");
		}
		assertThat(configFile()).doesNotExist();
	}

	@ParameterizedTest
	@EnumSource(names = { "SERVLET", "REACTIVE" })
	void aBodyThatIsNotJsonIsRefusedAtItsLineAndColumnWithoutQuotingIt(WebApplicationType type) throws Exception {
		String base = start(type);

		HttpResponse<String> malformed = post(base, "{\"config\": {\"token\": \"ok\",\n \"key\": hunter2secret}}");
		HttpResponse<String> trailing = post(base, "{\"config\": {}} hunter2secret");
		HttpResponse<String> notAnObject = post(base, "[\"hunter2secret\"]");

		assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
		assertThat(violation(malformed, "")).startsWith("The request body is not valid JSON (line 2, column");
		assertThat(violation(trailing, "")).startsWith("The request body is not valid JSON (line 1, column");
		assertThat(violation(notAnObject, "")).startsWith("The request body must be a JSON object");
		for (HttpResponse<String> refused : List.of(malformed, trailing, notAnObject)) {
			assertThat(refused.statusCode()).isEqualTo(400);
			assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
					(contentType) -> assertThat(contentType).startsWith("application/json"));
			assertThat(refused.body()).doesNotContain("hunter2");
		}
		assertThat(configFile()).doesNotExist();
	}

	@ParameterizedTest
	@EnumSource(names = { "SERVLET", "REACTIVE" })
	void aBodyThatIsNotUtf8IsRefusedNamingTheByte(WebApplicationType type) throws Exception {
		String base = start(type);
		byte[] body = "{\"config\": {\"name\": \"Gr\u00fc\u00dfe\"}}".getBytes(StandardCharsets.ISO_8859_1);

		HttpResponse<String> refused = http.send(request(base, ID).POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(violation(refused, "")).isEqualTo("The request body is not valid UTF-8 (byte 23)");
		assertThat(configFile()).doesNotExist();
	}

	@ParameterizedTest
	@EnumSource(names = { "SERVLET", "REACTIVE" })
	void anIllegalIdIsRefusedSayingWhyOnEveryWriteAndRead(WebApplicationType type) throws Exception {
		String base = start(type);

		for (String id : List.of(".hidden", "a..b", "x".repeat(129))) {
			HttpResponse<String> saved = http.send(request(base, id)
				.POST(HttpRequest.BodyPublishers.ofString("{\"config\": {\"model\": \"tiny\"}}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> deleted = http.send(request(base, id).DELETE().build(),
					HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> read = http.send(request(base, id).GET().build(), HttpResponse.BodyHandlers.ofString());
			HttpResponse<String> stopped = http.send(
					HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id + "/resources")).DELETE().build(),
					HttpResponse.BodyHandlers.ofString());
			for (HttpResponse<String> refused : List.of(saved, deleted, stopped, read)) {
				assertThat(refused.statusCode()).as(id).isEqualTo(400);
				assertThat(violation(refused, "")).startsWith("Illegal plugin unique id: use 1 to 128 letters");
				assertThat(refused.body()).doesNotContain("xxxx");
			}
		}
		try (var files = Files.list(this.dir)) {
			assertThat(files.filter((file) -> file.toString().endsWith(".json"))).isEmpty();
		}
		HttpResponse<String> unknown = http.send(request(base, "stt_nothing").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).contains("No plugin 'stt_nothing' is registered");
	}

	/** The message of the answer's only violation, which is at the given path. */
	private static String violation(HttpResponse<String> answer, String path) {
		JsonNode violations = json.readTree(answer.body()).get("violations");
		assertThat(violations).as(answer.body()).isNotNull().hasSize(1);
		assertThat(violations.get(0).get("path").asString()).as(answer.body()).isEqualTo(path);
		return violations.get(0).get("message").asString();
	}

	private Path configFile() {
		return this.dir.resolve(ID + ".json");
	}

	private String start(WebApplicationType type) {
		return this.applications.start(new SpringApplicationBuilder(FreeApplication.class).web(type), this.dir,
				"--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted");
	}

	private static HttpRequest.Builder request(String base, String id) {
		return HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id))
			.header("Content-Type", "application/json");
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return http.send(request(base, ID).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** What {@code python3 -c script file} prints, trimmed; the test is skipped without python3. */
	private static String python(String script, Path file) throws IOException, InterruptedException {
		Process process;
		try {
			process = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			assumeTrue(false, "python3 is not on the PATH");
			throw ex;
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
		assertThat(process.exitValue()).as("python3 failed:%n%s", output).isZero();
		return output.trim();
	}


	/** One plugin, {@code tools_free}, without a schema: any JSON object is its configuration. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FreeApplication {

		@Bean
		PluginManager toolsPluginManager() {
			return new TestPluginManager(PluginDescriptor.builder("free").build()) {

				@Override
				public String category() {
					return "tools";
				}

			};
		}

	}

}
