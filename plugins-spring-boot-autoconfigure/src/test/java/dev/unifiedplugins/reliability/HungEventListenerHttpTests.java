package dev.unifiedplugins.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.StartedApplications;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's {@code @EventListener} that hangs on one of the library's events, in a
 * started application over real HTTP: the thread that delivered it serves every plugin
 * (the config watcher, the cost checks), and goes on after {@code plugins.resource-timeout};
 * the endpoint keeps following the other plugins, and the hung listener gets its later
 * events once it returns. At shutdown every resource is still terminated, and the close
 * stays within its bound.
 */
class HungEventListenerHttpTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static volatile CountDownLatch release = new CountDownLatch(1);

	private static final List<String> heard = new CopyOnWriteArrayList<>();

	private static volatile Map<String, SimulatedCloudPlugin> cloud = Map.of();

	@TempDir
	Path dir;

	@RegisterExtension
	final StartedApplications applications = new StartedApplications();

	@BeforeEach
	void reset() {
		release = new CountDownLatch(1);
		heard.clear();
	}

	@AfterEach
	void releaseTheListener() {
		// Before the application closes, so that its shutdown does not wait for the listener.
		release.countDown();
	}

	@Test
	void aConfigChangeListenerThatHangsHoldsUpNeitherTheWatcherNorTheEndpoint() throws Exception {
		cloud = Map.of();
		String base = start();
		FileSystemPluginConfigStore elsewhere = new FileSystemPluginConfigStore(this.dir);
		elsewhere.save("llm_gpt", Map.of("model", "written by another instance"));
		Await.until("the listener hangs on the first change", () -> heard.contains("llm_gpt"));
		elsewhere.save("llm_llama", Map.of("model", "written by another instance"));
		Await.until("the endpoint shows the later change", () -> configured(base, "llm_llama"));
		assertThat(heard).containsExactly("llm_gpt");
		release.countDown();
		Await.until("the hung listener hears the later change", () -> heard.size() == 2);
		assertThat(heard).containsExactly("llm_gpt", "llm_llama");
	}

	@Test
	void aTerminationListenerThatHangsHoldsUpNoLaterCostCheck() throws Exception {
		cloud = SimulatedCloudPlugin.priced("first", 1.0, "second", 2.0);
		cloud.get("second").running = false;
		String base = start("--plugins.cloud.max-lifetime=1s", "--plugins.cloud.check-interval=100ms");
		Await.until("the listener hangs on the first termination", () -> heard.contains("cloud_first"));
		cloud.get("second").running = true;
		Await.until("the later resource is terminated too", () -> cloud.get("second").terminations.get() > 0);
		JsonNode termination = get(base, "/actuator/plugins/cloud_second").get("cloudCost").get("lastTermination");
		assertThat(termination.get("reason").asString()).isEqualTo("LIFETIME");
		assertThat(termination.get("succeeded").asBoolean()).isTrue();
		assertThat(heard).containsExactly("cloud_first");
		release.countDown();
		Await.until("the hung listener hears the later termination", () -> heard.size() == 2);
	}

	@Test
	void aTerminationListenerThatHangsAtShutdownHoldsUpNeitherTheOtherTerminationsNorTheClose() throws Exception {
		cloud = SimulatedCloudPlugin.priced("first", 1.0, "second", 2.0);
		start("--plugins.shutdown.terminate-cloud-resources=true", "--plugins.shutdown.timeout=3s");
		ExecutorService closing = Executors.newSingleThreadExecutor();
		try {
			// Well past plugins.shutdown.timeout, which bounds the whole cleanup: a bound, not a speed.
			closing.submit(() -> this.applications.last().close()).get(20, TimeUnit.SECONDS);
		}
		finally {
			closing.shutdownNow();
		}
		assertThat(cloud.values()).allSatisfy((plugin) -> assertThat(plugin.terminations.get()).isOne());
		assertThat(heard).as("the listener was told, and hung").isNotEmpty();
	}

	private String start(String... args) {
		List<String> all = new ArrayList<>(List.of("--plugins.resource-timeout=500ms",
				"--plugins.watch.rescan-interval=200ms", "--management.endpoints.web.exposure.include=plugins"));
		all.addAll(List.of(args));
		return this.applications.start(
				new SpringApplicationBuilder(HangingListenerApplication.class).web(WebApplicationType.SERVLET), this.dir,
				all.toArray(String[]::new));
	}

	private static boolean configured(String base, String uniqueId) {
		try {
			return get(base, "/actuator/plugins/" + uniqueId).get("configured").asBoolean();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode get(String base, String path) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HangingListenerApplication {

		@Bean
		PluginManager llm() {
			return TestPluginManager.of("gpt", "llama");
		}

		@Bean
		PluginManager cloud() {
			return TestPluginManager.of(HungEventListenerHttpTests.cloud);
		}

		@Bean
		HangingListener hangingListener() {
			return new HangingListener();
		}

	}

	/** Hangs on the first event of each kind it hears, ignoring interrupts, until released. */
	static class HangingListener {

		@EventListener
		void on(PluginConfigChange change) {
			hear(change.uniqueId());
		}

		@EventListener
		void on(PluginCloudResourceTerminated terminated) {
			hear(terminated.uniqueId());
		}

		private static void hear(String uniqueId) {
			heard.add(uniqueId);
			if (heard.size() == 1) {
				TestPlugins.hangIgnoringInterrupts(release);
			}
		}

	}

}
