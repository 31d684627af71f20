package dev.unifiedplugins.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./mvnw -pl sample-app -am spring-boot:test-run}: the sample keeps its
 * configurations in the PostgreSQL that {@link TestSampleApplication} starts, a second
 * instance started as the logged command says shares them, and the database stops with
 * the application.
 */
@ExtendWith(OutputCaptureExtension.class)
class TestSampleApplicationTests {

	private static final Pattern SECOND_INSTANCE = Pattern.compile("SAMPLE_DB_URL=(\\S+) \\./mvnw -pl sample-app -am"
			+ " spring-boot:run -Dspring-boot\\.run\\.profiles=(\\S+) -Dspring-boot\\.run\\.arguments=\"([^\"]*)\"");

	private static final String WHISPER = "transcription_whisper_tiny";

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dir;

	@Test
	void theSampleSavesInItsPostgresAndASecondInstanceStartedAsLoggedSeesIt(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext first = TestSampleApplication.application()
			.run("--server.port=0", "--sample.dev.postgres-port=0", "--plugins.config-dir=" + this.dir.resolve("first"),
					"--sample.transcription.worker.enabled=false")
			.getApplicationContext();
		int postgresPort;
		try {
			EmbeddedPostgres postgres = first.getBean(EmbeddedPostgres.class);
			postgresPort = postgres.getPort();
			HttpResponse<String> saved = post(first, "/actuator/plugins/" + WHISPER, "{\"config\": {\"device\": \"cuda\"}}");
			assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
			JdbcTemplate plugins = new JdbcTemplate(postgres.getDatabase("plugins", "plugins"));
			assertThat(plugins.queryForObject("SELECT json FROM plugin_config WHERE unique_id = ?", String.class, WHISPER))
				.as("the row in the database 'plugins'")
				.contains("\"cuda\"");
			assertThat(this.dir.resolve("first").resolve(WHISPER + ".json")).doesNotExist();
			assertThat(get(first, "/actuator/health").at("/components/db/details/database").asString())
				.isEqualTo("PostgreSQL");

			Matcher command = SECOND_INSTANCE.matcher(output.toString());
			assertThat(command.find()).as("the logged command for a second instance").isTrue();
			assertThat(command.group(1)).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgresPort + "/plugins");
			assertThat(command.group(3)).startsWith("--server.port=" + (port(first) + 1) + " ");
			try (ConfigurableApplicationContext second = startAsLogged(command)) {
				JsonNode whisper = get(second, "/actuator/plugins/" + WHISPER);
				assertThat(whisper.get("configured").asBoolean()).isTrue();
				assertThat(whisper.get("revision").asString()).isEqualTo(this.json.readTree(saved.body()).get("revision").asString());
			}
		}
		finally {
			first.close();
		}
		assertThat(TestSampleApplication.DevPostgres.isFree(postgresPort)).as("the database stopped").isTrue();
	}

	/**
	 * The sample as {@code spring-boot:run} would start it with the logged command's
	 * variable, profile and arguments, on free ports and a directory of this test.
	 */
	private ConfigurableApplicationContext startAsLogged(Matcher command) {
		List<String> args = new ArrayList<>();
		args.add("--SAMPLE_DB_URL=" + command.group(1));
		for (String argument : command.group(3).split(" ")) {
			if (argument.startsWith("--server.port=")) {
				args.add("--server.port=0");
			}
			else if (argument.startsWith("--plugins.config-dir=")) {
				args.add("--plugins.config-dir=" + this.dir.resolve(argument.substring(argument.indexOf('=') + 1)));
			}
			else {
				args.add(argument);
			}
		}
		args.add("--sample.transcription.worker.enabled=false");
		return new SpringApplicationBuilder(SampleApplication.class).profiles(command.group(2).split(","))
			.run(args.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private HttpResponse<String> post(ConfigurableApplicationContext context, String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
