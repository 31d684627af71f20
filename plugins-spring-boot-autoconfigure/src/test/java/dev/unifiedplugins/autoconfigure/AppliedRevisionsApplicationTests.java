package dev.unifiedplugins.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.testsupport.Unsecured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two started applications on one real PostgreSQL with {@code plugins.store-type=jdbc},
 * the plugin loaded on both, asked over HTTP: the detail view's {@code applied} shows what
 * each instance applied, or why its reload failed; a save with {@code "await"} answers once
 * both applied or failed the new revision, and says so; an instance that stops leaves
 * {@code applied}; a wait is cut to {@code plugins.await-timeout}.
 */
class AppliedRevisionsApplicationTests {

	private static final String ID = "stt_tuner";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	Path dir;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void dropTables() {
		JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(postgres.getJdbcUrl(), "postgres", ""));
		jdbc.execute("DROP TABLE IF EXISTS plugin_config");
		jdbc.execute("DROP TABLE IF EXISTS plugin_config_applied");
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void theDetailViewShowsOneInstanceAppliedAndOneFailedAndAnAwaitedSaveSaysSo() throws Exception {
		String a = start("instance-a", 0);
		String b = start("instance-b", 7);
		ConfigurableApplicationContext contextB = this.contexts.get(1);
		Await.until("both loads are shown", () -> applied(a).size() == 2);
		JsonNode loaded = detail(a).get("applied");
		assertThat(loaded.propertyNames()).containsExactly("instance-a", "instance-b");
		for (JsonNode entry : List.of(loaded.get("instance-a"), loaded.get("instance-b"))) {
			assertThat(entry.propertyNames()).containsExactly("revision", "at", "error");
			assertThat(entry.get("revision").isNull()).as("nothing was saved").isTrue();
			assertThat(entry.get("error").isNull()).isTrue();
			assertThat(entry.get("at").asString()).isNotBlank();
		}

		JsonNode applied = body(post(a, "{\"config\": {\"beam_size\": 3}, \"await\": \"20s\"}"));
		String three = applied.get("revision").asString();
		assertThat(applied.get("awaited").asBoolean()).isTrue();
		assertThat(applied.get("config").get("beam_size").asString()).as("the detail view, masked").isEqualTo("******");
		assertThat(applied.get("applied").propertyNames()).containsExactly("instance-a", "instance-b");
		for (JsonNode entry : applied.get("applied")) {
			assertThat(entry.get("revision").asString()).isEqualTo(three);
			assertThat(entry.get("error").isNull()).isTrue();
		}

		JsonNode refused = body(post(a, "{\"config\": {\"beam_size\": 7}, \"await\": \"20s\"}"));
		String seven = refused.get("revision").asString();
		assertThat(seven).isNotEqualTo(three);
		assertThat(refused.get("awaited").asBoolean()).as("a failed reload counts as done").isTrue();
		JsonNode onA = refused.get("applied").get("instance-a");
		JsonNode onB = refused.get("applied").get("instance-b");
		assertThat(onA.get("revision").asString()).isEqualTo(seven);
		assertThat(onA.get("error").isNull()).isTrue();
		assertThat(onB.get("revision").asString()).isEqualTo(seven);
		assertThat(onB.get("error").asString()).contains("instance-b refuses a beam size of 7");
		assertThat(applied(b)).as("b's detail view shows the same").isEqualTo(refused.get("applied"));
		assertThat(detail(b).get("error").asString()).as("b's own load error").contains("refuses a beam size of 7");

		contextB.close();
		assertThat(applied(a).propertyNames()).as("an instance that stops leaves at once").containsExactly("instance-a");
	}

	@Test
	void anAwaitRunsOutWhileAnInstanceHasNotAppliedTheRevisionCutToTheAwaitTimeout() throws Exception {
		String a = start("instance-a", 0, "--plugins.await-timeout=500ms");
		// b loaded the plugin but does not follow changes: it never reloads.
		start("instance-b", 0, "--plugins.watch.enabled=false");
		Await.until("both loads are shown", () -> applied(a).size() == 2);
		long started = System.nanoTime();
		JsonNode answer = body(post(a, "{\"config\": {\"beam_size\": 3}, \"await\": \"2m\"}"));
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(answer.get("awaited").asBoolean()).isFalse();
		assertThat(took).as("cut to plugins.await-timeout, not the 2 minutes asked").isLessThan(Duration.ofSeconds(30));
		assertThat(answer.get("applied").get("instance-a").get("revision").asString())
			.isEqualTo(answer.get("revision").asString());
		assertThat(answer.get("applied").get("instance-b").get("revision").isNull()).isTrue();
	}

	@Test
	void anAwaitThatIsNotADurationIsABadRequestAndNothingIsSaved() throws Exception {
		String a = start("instance-a", 0);
		HttpResponse<String> refused = post(a, "{\"config\": {\"beam_size\": 3}, \"await\": \"soon\"}");
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(body(refused).get("violations").get(0).get("message").asString()).contains("await must be a duration");
		assertThat(detail(a).get("revision").isNull()).isTrue();
		HttpResponse<String> plain = post(a, "{\"config\": {\"beam_size\": 3}}");
		assertThat(plain.statusCode()).isEqualTo(200);
		assertThat(body(plain).has("awaited")).as("only a save that awaits says so").isFalse();
		assertThat(body(plain).has("applied")).isTrue();
	}

	private String start(String name, int refusedBeamSize, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", Unsecured.EXCLUDE, "--plugins.config-dir=" + this.dir.resolve(name),
				"--plugins.store-type=jdbc", "--plugins.jdbc.initialize-schema=always",
				"--plugins.jdbc.instance-name=" + name, "--spring.datasource.url=" + postgres.getJdbcUrl(),
				"--spring.datasource.username=postgres", "--plugins.jdbc.applied-heartbeat-interval=1s",
				"--plugins.systems.stt.type=" + TunerPlugin.class.getName(), "--plugins.systems.stt.load-on-start=true",
				"--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted"));
		args.addAll(List.of(more));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TunerApplication.class)
			.web(WebApplicationType.SERVLET)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("tuner", new Tuner(name, refusedBeamSize)))
			.run(args.toArray(String[]::new));
		this.contexts.add(context);
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode body(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isIn(200, 400);
		return JSON.readTree(response.body());
	}

	private static JsonNode detail(String base) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + ID)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static JsonNode applied(String base) {
		try {
			return detail(base).get("applied");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
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

	/** Refuses one beam size when configured: each instance its own. */
	@PluginInfo(name = "tuner")
	public static class Tuner implements TunerPlugin, ConfigurablePlugin<TunerConfig> {

		private final String instance;

		private final int refused;

		Tuner(String instance, int refused) {
			this.instance = instance;
			this.refused = refused;
		}

		@Override
		public void configure(TunerConfig config) {
			if (config.beamSize() == this.refused) {
				throw new IllegalArgumentException(this.instance + " refuses a beam size of " + this.refused);
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TunerApplication {

	}

}
