package dev.unifiedplugins.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
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
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two started applications on one real PostgreSQL with {@code plugins.store-type=jdbc}:
 * each shows the fleet's bill over HTTP in {@code cloudCost.fleet}, and the terminations
 * of an operator and of the shutdown reach the fleet and the application's events; a slow
 * termination or event listener on one holds up neither the other's heartbeat nor its
 * shutdown, and an instance name used by both is an error each of them shows.
 */
class CloudCostFleetApplicationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	Path dir;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Instance> instances = new ArrayList<>();

	@AfterEach
	void stopInstances() {
		this.instances.forEach((instance) -> instance.context.close());
	}

	@Test
	void eachInstanceShowsTheFleetsBillOverHttp() throws Exception {
		Instance a = start("instance-a", Map.of("gpu", new SimulatedCloudPlugin(2.5)));
		Instance b = start("instance-b", Map.of("gpu", new SimulatedCloudPlugin(4.0), "tpu",
				new SimulatedCloudPlugin(1.5)));
		for (Instance instance : List.of(a, b)) {
			Await.until(instance.name + " sees both instances", () -> fleet(instance).path("instances").asInt() == 2);
			JsonNode fleet = fleet(instance);
			assertThat(fleet.propertyNames()).containsExactlyInAnyOrder("instances", "hourlyUsd", "byInstance");
			assertThat(fleet.get("hourlyUsd").asDouble()).isEqualTo(8.0);
			assertThat(fleet.get("byInstance").get("instance-a").asDouble()).isEqualTo(2.5);
			assertThat(fleet.get("byInstance").get("instance-b").asDouble()).isEqualTo(5.5);
		}
		assertThat(get(a, "/actuator/plugins").get("cloudCost").get("hourlyUsd").asDouble()).as("its own")
			.isEqualTo(2.5);
		JsonNode health = get(a, "/actuator/health").get("components").get("plugins");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("details").get("cloudFleet").get("instances").asInt()).isEqualTo(2);
		assertThat(health.get("details").get("cloudFleet").has("error")).isFalse();
	}

	@Test
	void aCategoryBudgetHoldsAcrossTheFleetAndEachInstanceShowsItOverHttp() throws Exception {
		Map<String, SimulatedCloudPlugin> onA = Map.of("a1", new SimulatedCloudPlugin(5.0), "a2",
				new SimulatedCloudPlugin(1.0));
		Map<String, SimulatedCloudPlugin> onB = Map.of("b1", new SimulatedCloudPlugin(4.0), "b2",
				new SimulatedCloudPlugin(2.0));
		String[] budget = { "--plugins.cost.budget.categories.cloud.hourly-usd=3",
				"--plugins.cost.budget.categories.cloud.action=terminate" };
		Instance a = start("instance-a", onA, budget);
		Instance b = start("instance-b", onB, budget);
		// 12 against 3 in the fleet, whichever instance checks first: a1 and b1 go, each by its owner.
		Await.until("the fleet's cloud resources cost 3", () -> fleet(a).path("hourlyUsd").asDouble() == 3.0
				&& fleet(b).path("hourlyUsd").asDouble() == 3.0);
		assertThat(onA.get("a1").terminations).hasValue(1);
		assertThat(onB.get("b1").terminations).hasValue(1);
		assertThat(onA.get("a2").terminations.get() + onB.get("b2").terminations.get()).isZero();
		assertThat(a.events).containsExactly(new PluginCloudResourceTerminated("cloud_a1", Reason.BUDGET, 5.0, true));
		for (Instance instance : List.of(a, b)) {
			Await.until(instance.name + " finds the budget held",
					() -> !cloudCost(instance).at("/budget/categories/cloud/exceeded").asBoolean(true));
			JsonNode shown = cloudCost(instance).get("budget");
			assertThat(shown.propertyNames()).containsExactly("hourlyUsd", "exceeded", "action", "categories");
			assertThat(shown.get("hourlyUsd").isNull()).as("no global cap").isTrue();
			assertThat(shown.get("categories").propertyNames()).containsExactly("cloud");
			JsonNode cloud = shown.get("categories").get("cloud");
			assertThat(cloud.propertyNames()).containsExactly("hourlyUsd", "exceeded", "action");
			assertThat(cloud.get("hourlyUsd").asDouble()).isEqualTo(3.0);
			assertThat(cloud.get("action").asString()).isEqualTo("terminate");
			JsonNode health = get(instance, "/actuator/health").at("/components/plugins/details/cloudBudget");
			assertThat(health.at("/categories/cloud/runningHourlyUsd").asDouble()).isEqualTo(3.0);
		}
	}

	@Test
	void anOperatorsTerminationIsPublishedShownAndLeavesTheFleetsBill() throws Exception {
		Instance a = start("instance-a", Map.of("gpu", new SimulatedCloudPlugin(2.5)));
		SimulatedCloudPlugin tpu = new SimulatedCloudPlugin(1.5);
		Instance b = start("instance-b", Map.of("gpu", new SimulatedCloudPlugin(4.0), "tpu", tpu));
		Await.until("the fleet costs 8", () -> fleet(a).path("hourlyUsd").asDouble() == 8.0);
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(b.base + "/actuator/plugins/cloud_tpu/resources")).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(tpu.terminations).hasValue(1);
		assertThat(b.events).containsExactly(new PluginCloudResourceTerminated("cloud_tpu", Reason.OPERATOR, 1.5, true));
		JsonNode last = get(b, "/actuator/plugins/cloud_tpu").get("cloudCost").get("lastTermination");
		assertThat(last.get("reason").asString()).isEqualTo("OPERATOR");
		assertThat(last.get("succeeded").asBoolean()).isTrue();
		Await.until("the fleet costs 6.5", () -> fleet(a).path("hourlyUsd").asDouble() == 6.5);
	}

	@Test
	void anInstanceThatStopsTerminatesItsResourcesWithEventsAndLeavesTheFleet() throws Exception {
		Instance a = start("instance-a", Map.of("gpu", new SimulatedCloudPlugin(2.5)));
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(4.0);
		Instance b = start("instance-b", Map.of("gpu", gpu), "--plugins.shutdown.terminate-cloud-resources=true");
		Await.until("both instances are in the fleet", () -> fleet(a).path("instances").asInt() == 2);
		b.context.close();
		assertThat(gpu.terminations).hasValue(1);
		assertThat(b.events).containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.SHUTDOWN, 4.0, true));
		// It left: the next heartbeat of a no longer counts it, without waiting to drop it out.
		Await.until("instance-b left", () -> fleet(a).path("instances").asInt() == 1);
		assertThat(fleet(a).get("byInstance").propertyNames()).containsExactly("instance-a");
	}

	@Test
	void aSlowTerminationAndASlowListenerOnOneInstanceDoNotHoldUpTheOthersHeartbeatOrShutdown() throws Exception {
		Instance b = start("instance-b", Map.of("gpu", new SimulatedCloudPlugin(0.5)));
		SimulatedCloudPlugin slow = new SimulatedCloudPlugin(5.0);
		CountDownLatch inTermination = new CountDownLatch(1);
		CountDownLatch releaseTermination = new CountDownLatch(1);
		slow.onTerminate = () -> {
			inTermination.countDown();
			await(releaseTermination);
		};
		CountDownLatch inListener = new CountDownLatch(1);
		CountDownLatch releaseListener = new CountDownLatch(1);
		ApplicationListener<ApplicationEvent> slowListener = (event) -> {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof PluginCloudResourceTerminated) {
				inListener.countDown();
				await(releaseListener);
			}
		};
		try {
			// 6.5 USD per hour against 3: a's gpu (5) goes, slowly.
			start("instance-a", Map.of("gpu", slow, "tpu", new SimulatedCloudPlugin(1.0)), slowListener,
					"--plugins.cost.budget.hourly-usd=3", "--plugins.cost.budget.action=terminate",
					"--plugins.resource-timeout=30s");
			assertThat(inTermination.await(20, TimeUnit.SECONDS)).isTrue();
			CloudCostGuard guard = b.context.getBean(CloudCostGuard.class);
			long started = System.nanoTime();
			CloudCostGuard.Fleet seen = guard.check().fleet();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("b's heartbeat during a's termination")
				.isLessThan(Duration.ofSeconds(5));
			assertThat(seen.error()).isNull();
			assertThat(seen.byInstance()).as("a's gpu bills while it is terminating").containsEntry("instance-a", 6.0);
			assertThat(fleet(b).get("byInstance").get("instance-a").asDouble()).isEqualTo(6.0);

			releaseTermination.countDown();
			assertThat(inListener.await(20, TimeUnit.SECONDS)).isTrue();
			started = System.nanoTime();
			assertThat(guard.check().fleet().error()).isNull();
			b.context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started))
				.as("b's heartbeat and shutdown (guard stopped, fleet left) during a's listener")
				.isLessThan(Duration.ofSeconds(5));
		}
		finally {
			releaseTermination.countDown();
			releaseListener.countDown();
		}
		assertThat(slow.terminations).hasValue(1);
	}

	@Test
	void anInstanceNameUsedByTwoApplicationsIsAnErrorShownByBoth() throws Exception {
		// A slower check interval than the others: neither drops out while the other starts.
		Instance first = start("web-1", Map.of("gpu", new SimulatedCloudPlugin(3.0)),
				"--plugins.cloud.check-interval=1s");
		Await.until("the first is in the fleet", () -> fleet(first).path("instances").asInt() == 1);
		Instance second = start("web-1", Map.of("gpu", new SimulatedCloudPlugin(3.0), "tpu",
				new SimulatedCloudPlugin(1.0)), "--plugins.cloud.check-interval=1s");
		for (Instance instance : List.of(first, second)) {
			Await.until(instance.name + " shows the error",
					() -> fleet(instance).path("error").asString("").contains("'web-1'"));
			JsonNode health = get(instance, "/actuator/health").get("components").get("plugins");
			assertThat(health.get("status").asString()).isEqualTo("UP");
			assertThat(health.get("details").get("cloudFleet").get("error").asString()).contains("'web-1'");
		}
		assertThat(fleet(first).get("byInstance").get("web-1").asDouble()).as("the first's rows, not overwritten")
			.isEqualTo(3.0);
		second.context.close();
		Await.until("the first's error ends once the second stopped", () -> !fleet(first).has("error"));
	}

	private Instance start(String name, Map<String, SimulatedCloudPlugin> plugins, String... more) {
		return start(name, plugins, (event) -> {
		}, more);
	}

	private Instance start(String name, Map<String, SimulatedCloudPlugin> plugins,
			ApplicationListener<ApplicationEvent> listener, String... more) {
		List<PluginCloudResourceTerminated> events = new CopyOnWriteArrayList<>();
		Map<String, String> properties = new LinkedHashMap<>();
		for (String arg : List.of("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--plugins.config-dir=" + this.dir.resolve(name + "-" + this.instances.size()),
				"--plugins.store-type=jdbc", "--plugins.jdbc.initialize-schema=always",
				"--plugins.jdbc.instance-name=" + name, "--spring.datasource.url=" + postgres.getJdbcUrl(),
				"--spring.datasource.username=postgres", "--plugins.cloud.check-interval=100ms",
				"--management.endpoints.web.exposure.include=health,plugins",
				"--management.endpoint.health.show-details=always",
				"--management.endpoint.plugins.access=unrestricted")) {
			properties.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		// A property given again replaces the default: the command line would join both.
		for (String arg : more) {
			properties.put(arg.substring(0, arg.indexOf('=')), arg);
		}
		String[] args = properties.values().toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FleetApplication.class)
			.web(WebApplicationType.SERVLET)
			.initializers((ctx) -> ctx.getBeanFactory()
				.registerSingleton("cloud", TestPluginManager.of(new LinkedHashMap<>(plugins))))
			.listeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof PayloadApplicationEvent<?> payload
						&& payload.getPayload() instanceof PluginCloudResourceTerminated terminated) {
					events.add(terminated);
				}
			}, listener)
			.run(args);
		Instance instance = new Instance(name, context,
				"http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort(), events);
		this.instances.add(instance);
		return instance;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private JsonNode fleet(Instance instance) {
		return cloudCost(instance).get("fleet");
	}

	private JsonNode cloudCost(Instance instance) {
		try {
			return get(instance, "/actuator/plugins").get("cloudCost");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private JsonNode get(Instance instance, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(instance.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return json.readTree(response.body());
	}

	private record Instance(String name, ConfigurableApplicationContext context, String base,
			List<PluginCloudResourceTerminated> events) {
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FleetApplication {

		@Bean
		SecurityFilterChain openFilterChain(HttpSecurity http) {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable());
			return http.build();
		}

	}

}
