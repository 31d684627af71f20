package dev.unifiedplugins.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin's row held by another connection (a person in psql, a long transaction), over
 * real HTTP on a real PostgreSQL: that plugin's save is a 503 with {@code Retry-After}
 * after {@code plugins.lock-timeout}, nothing written, while another plugin saves at once.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcStoreBusyApplicationTests {

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	Path dir;

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void aLockedRowIsServiceUnavailableForItsPluginOnlyAndWritesNothing() throws Exception {
		String base = start();
		assertThat(post(base, "stt_whisper", "{\"config\": {\"device\": \"cpu\"}}").statusCode()).isEqualTo(200);
		try (Connection holder = DriverManager.getConnection(postgres.getJdbcUrl(), "postgres", "")) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("SELECT json FROM plugin_config WHERE unique_id = 'stt_whisper' FOR UPDATE")) {
				lock.executeQuery().close();
			}
			CompletableFuture<HttpResponse<String>> busy = CompletableFuture
				.supplyAsync(() -> post(base, "stt_whisper", "{\"config\": {\"device\": \"cuda\"}}"));
			// Another plugin is not held up by the locked row.
			HttpResponse<String> other = post(base, "stt_voxtral", "{\"config\": {\"device\": \"cuda\"}}");
			assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
			assertThat(busy).isNotDone();
			HttpResponse<String> answer = busy.get(30, TimeUnit.SECONDS);
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
			assertThat(answer.headers().firstValue("Retry-After")).contains("1");
			assertThat(answer.body()).contains("stt_whisper").contains("plugins.lock-timeout").doesNotContain("cuda");
			holder.rollback();
		}
		String stored = get(base, "stt_whisper");
		assertThat(stored).contains("\"configured\":true");
		assertThat(post(base, "stt_whisper", "{\"config\": {\"device\": \"cuda\"}}").statusCode()).isEqualTo(200);
	}

	@Test
	void aHistoryLockedWholeIsServiceUnavailableNamingTheTimeoutInTheLogAndLosesNothing(CapturedOutput output)
			throws Exception {
		String base = start();
		assertThat(post(base, "stt_whisper", "{\"config\": {\"device\": \"cpu\"}}").statusCode()).isEqualTo(200);
		assertThat(post(base, "stt_whisper", "{\"config\": {\"device\": \"cuda\"}}").statusCode()).isEqualTo(200);
		try (Connection holder = DriverManager.getConnection(postgres.getJdbcUrl(), "postgres", "")) {
			// A migration, a VACUUM FULL, a person's LOCK TABLE.
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder.prepareStatement("LOCK TABLE plugin_config_history")) {
				lock.execute();
			}
			HttpResponse<String> history = send(HttpRequest.newBuilder(URI.create(base
					+ "/actuator/plugins/stt_whisper/revisions")).build());
			assertThat(history.statusCode()).as(history.body()).isEqualTo(503);
			assertThat(history.body()).contains("stt_whisper").contains("log");
			HttpResponse<String> restore = post(base, "stt_whisper", "{\"restore\": \"1\"}");
			assertThat(restore.statusCode()).as(restore.body()).isEqualTo(503);
			assertThat(restore.headers().firstValue("Retry-After")).contains("1");
			HttpResponse<String> save = post(base, "stt_whisper", "{\"config\": {\"device\": \"mps\"}}");
			assertThat(save.statusCode()).as(save.body()).isEqualTo(503);
			assertThat(save.body()).contains("plugins.lock-timeout");
			HttpResponse<String> delete = send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/stt_whisper"))
				.DELETE()
				.build());
			assertThat(delete.statusCode()).as(delete.body()).isEqualTo(503);
			assertThat(delete.body()).contains("plugins.lock-timeout");
			holder.rollback();
		}
		// The log the answers point to says what failed, and why.
		assertThat(output).contains("Could not read the history of the configuration of plugin 'stt_whisper'")
			.contains("Could not restore the configuration of plugin 'stt_whisper'")
			.contains("plugins.jdbc.query-timeout");
		// Nothing lost, nothing half-written: the two revisions, and the second one stored.
		String revisions = send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/stt_whisper/revisions"))
			.build()).body().replace(" ", "");
		assertThat(revisions).contains("\"revision\":\"2\"").contains("\"revision\":\"1\"")
			.doesNotContain("\"revision\":\"3\"");
		assertThat(get(base, "stt_whisper")).contains("\"device\":\"cuda\"").contains("\"revision\":\"2\"");
	}

	@Test
	void aFailedSaveAndABusySaveAreEachLoggedOnceWithTheirCause(CapturedOutput output) throws Exception {
		String base = start();
		assertThat(post(base, "stt_whisper", "{\"config\": {\"device\": \"cpu\"}}").statusCode()).isEqualTo(200);
		try (Connection admin = DriverManager.getConnection(postgres.getJdbcUrl(), "postgres", "")) {
			// A rule of the database's own that the save breaks: the store fails it.
			admin.createStatement().execute("ALTER TABLE plugin_config ADD CONSTRAINT short_json CHECK (length(json) < 40)");
			try {
				int before = output.length();
				HttpResponse<String> failed = post(base, "stt_whisper",
						"{\"config\": {\"device\": \"cuda-0123456789-0123456789\"}}");
				assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
				assertThat(linesAbout(output.toString().substring(before), "stt_whisper")).singleElement()
					.satisfies((line) -> assertThat(line).contains("Could not save the configuration of plugin 'stt_whisper'")
						.contains("SQLState 23514")
						.doesNotContain("cuda"));
			}
			finally {
				admin.createStatement().execute("ALTER TABLE plugin_config DROP CONSTRAINT short_json");
			}
			admin.setAutoCommit(false);
			try (PreparedStatement lock = admin
				.prepareStatement("SELECT json FROM plugin_config WHERE unique_id = 'stt_whisper' FOR UPDATE")) {
				lock.executeQuery().close();
			}
			int before = output.length();
			HttpResponse<String> busy = post(base, "stt_whisper", "{\"config\": {\"device\": \"cuda\"}}");
			assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
			admin.rollback();
			assertThat(linesAbout(output.toString().substring(before), "stt_whisper")).singleElement()
				.satisfies((line) -> assertThat(line).contains("Could not save the configuration of plugin 'stt_whisper'")
					.contains("plugins.lock-timeout")
					.contains("lock timeout")
					.doesNotContain("cuda"));
		}
	}

	/** The log records (their first lines, stack traces left out) that name a plugin. */
	private static List<String> linesAbout(String log, String uniqueId) {
		return log.lines()
			.filter((line) -> line.matches("^\\d{4}-\\d{2}-\\d{2}T.*") && line.contains("'" + uniqueId + "'"))
			.toList();
	}

	private String start() {
		this.context = new SpringApplicationBuilder(BusyApplication.class).web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--plugins.config-dir=" + this.dir, "--plugins.store-type=jdbc",
					"--plugins.jdbc.initialize-schema=always", "--spring.datasource.url=" + postgres.getJdbcUrl(),
					"--plugins.jdbc.query-timeout=1s",
					"--spring.datasource.username=postgres", "--plugins.lock-timeout=1s",
					"--management.endpoints.web.exposure.include=plugins",
					"--management.endpoint.plugins.access=unrestricted",
					"--management.endpoint.plugins.show-values=always");
		return "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private HttpResponse<String> post(String base, String id, String body) {
		return send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String get(String base, String id) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + id)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body()
			.replace(" ", "");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BusyApplication {

		@Bean
		PluginManager sttPluginManager() {
			return new TestPluginManager(PluginDescriptor.builder("whisper").build(),
					PluginDescriptor.builder("voxtral").build()) {

				@Override
				public String category() {
					return "stt";
				}

			};
		}

		@Bean
		SecurityFilterChain openFilterChain(HttpSecurity http) {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable());
			return http.build();
		}

	}

}
