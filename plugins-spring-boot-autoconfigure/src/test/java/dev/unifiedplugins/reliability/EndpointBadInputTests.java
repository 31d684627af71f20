package dev.unifiedplugins.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginEntry;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginsDescriptor;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.autoconfigure.PluginsAutoConfiguration;
import dev.unifiedplugins.autoconfigure.PluginsEndpointAutoConfiguration;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.SpecialFiles;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad input to the Spring layer, case by case: each gets a clear error (a 400 from the
 * endpoint, a start-up failure naming the property, a DOWN health naming the category)
 * and nothing else is affected.
 * <ol>
 * <li>{@link IllegalRequests illegal unique ids and hours} on the endpoint</li>
 * <li>{@link CorruptConfig a corrupt config file}, or a FIFO or device in its place, behind
 * the endpoint</li>
 * <li>{@link MisbehavingPlugins plugin instances} that throw, return null or hang</li>
 * <li>{@link MisbehavingManagerBeans manager beans} that fail to register</li>
 * <li>{@link InvalidProperties property values} that cannot work</li>
 * </ol>
 */
class EndpointBadInputTests {

	/** Short, so hung plugins cost little; ample for a healthy one on a busy machine. */
	private static final Duration TIMEOUT = Duration.ofMillis(500);

	@TempDir
	Path dir;

	final CountDownLatch release = new CountDownLatch(1);

	final ChildProcesses processes = new ChildProcesses();

	BoundedCalls calls;

	UnifiedPluginRegistry registry;

	PluginsEndpoint endpoint;

	long childPid;

	@BeforeEach
	void createEndpoint() throws Exception {
		this.calls = new BoundedCalls("endpoint-bad-input-", 8);
		this.registry = new UnifiedPluginRegistry(this.dir);
		this.childPid = this.processes.startSleep().pid();
		Map<String, Object> instances = new LinkedHashMap<>();
		instances.put("plain", null);
		instances.put("good_local", new TestPlugins.Lifecycle(() -> List.of(this.childPid)));
		instances.put("good_cloud", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> 3.0 * hours));
		instances.put("null_pids", new TestPlugins.Lifecycle(() -> null));
		instances.put("remote_throws", new TestPlugins.Cloud(() -> {
			throw new IllegalStateException("provider API down");
		}, (hours) -> 1.0));
		instances.put("cost_hangs", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> {
			TestPlugins.hangIgnoringInterrupts(this.release);
			return 1.0;
		}));
		instances.put("cost_nan", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> Double.NaN));
		this.registry.registerPluginManager("llm", TestPluginManager.of(instances));
		this.registry.savePluginConfig("llm_plain", Map.of("model", "tiny"));
		this.endpoint = new PluginsEndpoint(this.registry, new PluginInspector(this.registry, this.calls, TIMEOUT),
				new Sanitizer(List.of()), Show.ALWAYS, Set.of(), 1.0, null);
	}

	@AfterEach
	void releaseHungThreadsAndKillChildren() {
		this.release.countDown();
		this.calls.close();
		this.processes.killAll();
	}


	@Nested
	class IllegalRequests {

		@ParameterizedTest
		@ValueSource(strings = { "../x", "..", "../../etc/passwd", "", ".hidden", "a/b", "a\\b", "a b", "a..b",
				"x\u0000y", "%2e%2e", "caf\u00e9" })
		void illegalUniqueIdIsABadRequest(String uniqueId) {
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> EndpointBadInputTests.this.endpoint.plugin(uniqueId, SecurityContext.NONE))
				.satisfies((ex) -> assertThat(ex.getReason()).contains("Illegal plugin unique id"));
		}

		@Test
		void tooLongUniqueIdIsABadRequest() {
			assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(
					() -> EndpointBadInputTests.this.endpoint.plugin("x".repeat(129), SecurityContext.NONE));
		}

		@Test
		void unknownUniqueIdIsNotFound() {
			assertThat(EndpointBadInputTests.this.endpoint.plugin("llm_unknown", SecurityContext.NONE)).isNull();
			assertThat(EndpointBadInputTests.this.endpoint.plugin("x".repeat(128), SecurityContext.NONE)).isNull();
		}

		@ParameterizedTest
		@ValueSource(doubles = { 0, -1, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY })
		void hoursThatAreNotAFinitePositiveNumberAreABadRequest(double hours) {
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> EndpointBadInputTests.this.endpoint.plugins(hours))
				.satisfies((ex) -> assertThat(ex.getReason()).contains("hours"));
		}

		@ParameterizedTest
		@ValueSource(doubles = { 1e308, 876_000.5, Double.MAX_VALUE })
		void hoursWhoseCostWouldNotBeFiniteAreABadRequestNamingTheLimit(double hours) {
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> EndpointBadInputTests.this.endpoint.plugins(hours))
				.satisfies((ex) -> assertThat(ex.getReason()).contains("at most 876000"));
		}

		@Test
		void theLongestDurationBlamesNoHealthyPlugin() {
			PluginsDescriptor answer = EndpointBadInputTests.this.endpoint.plugins(876_000.0);
			assertThat(answer.plugins()).filteredOn((entry) -> entry.uniqueId().equals("llm_good_cloud"))
				.singleElement()
				.satisfies((entry) -> assertThat(entry.error()).isNull());
			assertThat(answer.cloudCost().byPlugin()).containsEntry("llm_good_cloud", 3.0 * 876_000);
		}

		@Test
		void noHoursMeansTheDefault() {
			PluginsEndpoint endpoint = new PluginsEndpoint(EndpointBadInputTests.this.registry,
					new PluginInspector(EndpointBadInputTests.this.registry, EndpointBadInputTests.this.calls, TIMEOUT),
					new Sanitizer(List.of()), Show.ALWAYS, Set.of(), 6.5, null);
			assertThat(endpoint.plugins(null).cloudCost().hours()).isEqualTo(6.5);
			assertThat(endpoint.plugins(2.0).cloudCost().hours()).isEqualTo(2.0);
		}

	}

	@Nested
	class CorruptConfig {

		@Test
		void isAnErrorInThatPluginsDetailOnly() throws Exception {
			Path file = Files.writeString(EndpointBadInputTests.this.dir.resolve("llm_good_local.json"), "{\"x\": ");
			PluginDetailDescriptor detail = EndpointBadInputTests.this.endpoint.plugin("llm_good_local",
					SecurityContext.NONE);
			assertThat(detail.plugin().error()).contains("config:").contains(file.toString());
			assertThat(detail.config()).isEmpty();
			assertThat(detail.plugin().pids()).containsExactly(EndpointBadInputTests.this.childPid);

			assertThat(EndpointBadInputTests.this.endpoint.plugin("llm_plain", SecurityContext.NONE).config())
				.containsEntry("model", "tiny");
			assertThat(EndpointBadInputTests.this.endpoint.plugins(null).plugins()).hasSize(7);
			assertThat(Files.readString(file)).isEqualTo("{\"x\": ");
		}

		@Test
		void fifoInPlaceOfAConfigIsAnErrorInThatPluginsDetailOnTime() {
			Path fifo = EndpointBadInputTests.this.dir.resolve("llm_good_local.json");
			assumeTrue(SpecialFiles.mkfifo(fifo), "mkfifo is not available");
			assertUnusableFileIsThatPluginsError("llm_good_local", fifo);
		}

		@Test
		void deviceLinkedAsAConfigIsAnErrorInThatPluginsDetailOnTime() throws Exception {
			assumeTrue(Files.exists(Path.of("/dev/zero")), "/dev/zero does not exist");
			Path link = Files.createSymbolicLink(EndpointBadInputTests.this.dir.resolve("llm_good_local.json"),
					Path.of("/dev/zero"));
			assertUnusableFileIsThatPluginsError("llm_good_local", link);
		}

		private void assertUnusableFileIsThatPluginsError(String uniqueId, Path file) {
			PluginsEndpoint endpoint = EndpointBadInputTests.this.endpoint;
			// A hang guard, not a speed requirement.
			PluginDetailDescriptor detail = assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> endpoint.plugin(uniqueId, SecurityContext.NONE));
			assertThat(detail.plugin().error()).contains("config:", file.toString(), "not a regular file");
			assertThat(detail.config()).isEmpty();
			assertThat(endpoint.plugin("llm_plain", SecurityContext.NONE).config()).containsEntry("model", "tiny");
			assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> endpoint.plugins(null)).plugins())
				.hasSize(7);
		}

	}

	@Nested
	class MisbehavingPlugins {

		@Test
		void eachGetsAnErrorAndTheAnswerIsOtherwiseCorrectAndOnTime() {
			for (int round = 1; round <= 3; round++) {
				PluginsDescriptor answer = assertTimeoutPreemptively(Duration.ofSeconds(15),
						() -> EndpointBadInputTests.this.endpoint.plugins(2.0), "the answer arrives despite hung plugins");
				Map<String, PluginEntry> entries = new HashMap<>();
				answer.plugins().forEach((entry) -> entries.put(entry.uniqueId(), entry));

				assertThat(answer.plugins()).extracting(PluginEntry::uniqueId)
					.containsExactly("llm_plain", "llm_good_local", "llm_good_cloud", "llm_null_pids",
							"llm_remote_throws", "llm_cost_hangs", "llm_cost_nan");
				assertThat(entries.get("llm_null_pids").error()).as("round %d", round).contains("getChildPids");
				assertThat(entries.get("llm_remote_throws").error()).contains("provider API down");
				assertThat(entries.get("llm_cost_hangs").error()).isNotNull();
				assertThat(entries.get("llm_cost_nan").error()).contains("NaN");

				assertThat(entries.get("llm_plain").error()).isNull();
				assertThat(entries.get("llm_plain").configured()).isTrue();
				assertThat(entries.get("llm_good_local").error()).isNull();
				assertThat(entries.get("llm_good_local").pids()).containsExactly(EndpointBadInputTests.this.childPid);
				assertThat(entries.get("llm_good_cloud").error()).isNull();
				assertThat(answer.managedPids())
					.containsExactly(Map.entry("llm_good_local", List.of(EndpointBadInputTests.this.childPid)));
				assertThat(answer.cloudCost().byPlugin()).containsExactly(Map.entry("llm_good_cloud", 6.0));
				assertThat(answer.cloudCost().totalUsd()).isEqualTo(6.0);
				assertThat(answer.cloudCost().hourlyUsd()).isEqualTo(3.0);
				assertThat(answer.stats().total()).isEqualTo(7);
			}
		}

		@Test
		void detailOfEachIsAnErrorAndOnTime() {
			for (String id : List.of("llm_null_pids", "llm_remote_throws", "llm_cost_hangs", "llm_cost_nan")) {
				PluginDetailDescriptor detail = assertTimeoutPreemptively(Duration.ofSeconds(15),
						() -> EndpointBadInputTests.this.endpoint.plugin(id, SecurityContext.NONE));
				assertThat(detail.plugin().error()).as(id).isNotNull();
				assertThat(detail.plugin().uniqueId()).isEqualTo(id);
			}
		}

	}

	@Nested
	class MisbehavingManagerBeans {

		private ApplicationContextRunner runner() {
			return new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(PluginsAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
				.withPropertyValues("plugins.config-dir=" + EndpointBadInputTests.this.dir)
				.withBean("good", PluginManager.class, () -> () -> List.of(PluginDescriptor.builder("ok").build()));
		}

		@Test
		void eachFailsItsOwnCategoryOnlyAndHealthNamesIt() {
			runner().withBean("nulls", PluginManager.class, () -> () -> null)
				.withBean("duplicates", PluginManager.class,
						() -> () -> List.of(PluginDescriptor.builder("a").build(), PluginDescriptor.builder("a").build()))
				.withBean("traversal", PluginManager.class,
						() -> () -> List.of(PluginDescriptor.builder("../../etc").build()))
				.withBean("illegalCategory", PluginManager.class, () -> new PluginManager() {
					@Override
					public List<PluginDescriptor> discoverPlugins() {
						return List.of(PluginDescriptor.builder("p").build());
					}

					@Override
					public String category() {
						return "../up";
					}
				})
				.run((context) -> {
					assertThat(context).hasNotFailed();
					UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
					assertThat(registry.getPlugin("good_ok")).isPresent();
					assertThat(registry.getCategories()).containsExactly("good");
					Health health = context.getBean(PluginsHealthIndicator.class).health(true);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails().get("failed")).asString()
						.contains("nulls", "returned null")
						.contains("duplicates", "two plugins named 'a'")
						.contains("traversal", "Illegal plugin name");
				});
		}

	}

	@Nested
	class InvalidProperties {

		private ApplicationContextRunner runner() {
			return new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(PluginsAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
				.withPropertyValues("plugins.config-dir=" + EndpointBadInputTests.this.dir,
						"management.endpoints.web.exposure.include=plugins");
		}

		@ParameterizedTest
		@ValueSource(strings = { "plugins.resource-timeout=0s", "plugins.resource-timeout=-1s",
				"plugins.shutdown.timeout=0s", "plugins.shutdown.track-interval=-5s", "plugins.cost.default-hours=0",
				"plugins.cost.default-hours=NaN", "plugins.cost.default-hours=1e308" })
		void failsTheStartWithTheExceptionBootReportsNamingTheProperty(String property) {
			String name = property.substring(0, property.indexOf('='));
			runner().withPropertyValues(property).run((context) -> {
				assertThat(context).hasFailed();
				Throwable root = context.getStartupFailure();
				while (root.getCause() != null) {
					root = root.getCause();
				}
				assertThat(root).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo(name));
			});
		}

		@Test
		void configDirWhoseParentIsAFileFailsTheStartNamingIt() throws Exception {
			Path parent = Files.writeString(EndpointBadInputTests.this.dir.resolve("file"), "x");
			runner().withPropertyValues("plugins.config-dir=" + parent.resolve("configs"))
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining(parent.resolve("configs").toString()));
		}

	}

}
