package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.observability.DefaultPluginObservationConvention;
import dev.unifiedplugins.observability.ObservationPluginCallObserver;
import dev.unifiedplugins.observability.PluginObservationContext;
import dev.unifiedplugins.observability.PluginObservationConvention;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginLifecycle;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Observations of plugin operations, the MDC around calls into plugin code, and
 * {@code loadErrors} in the plugins health.
 */
class PluginsObservationAutoConfigurationTests {

	private static final String ID = "speakers_loudSpeaker";

	private static final Map<String, String> CONTEXT = Map.of("plugin.id", ID, "plugin.category", "speakers");

	@TempDir
	Path dir;

	private final TestObservationRegistry observations = TestObservationRegistry.create();

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class,
					PluginsObservationAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir.resolve("configs"));
	}

	private ApplicationContextRunner speakersLoadedOnStart() {
		return runner().withUserConfiguration(SpeakerBeans.class)
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues("plugins.systems.speakers.type=" + Speaker.class.getName(),
					"plugins.systems.speakers.load-on-start=true");
	}

	@Test
	void aLoadIsObservedWithItsKeysAndConfigureSeesThePluginInTheMdc() {
		speakersLoadedOnStart().run((context) -> {
			assertThat(this.observations).hasObservationWithNameEqualTo("plugins.load")
				.that()
				.hasContextualNameEqualTo("plugin load speakers")
				.hasLowCardinalityKeyValue("plugin.category", "speakers")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasHighCardinalityKeyValue("plugin.id", ID)
				.hasBeenStarted()
				.hasBeenStopped();
			LoudSpeaker speaker = context.getBean(LoudSpeaker.class);
			assertThat(speaker.configureMdc).first().isEqualTo(CONTEXT);
			assertThat(MDC.get("plugin.id")).isNull();
		});
	}

	@Test
	void aFailingReloadIsAFailureAndALoadErrorUntilALoadSucceeds() {
		speakersLoadedOnStart().run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			PluginLifecycle lifecycle = context.getBean(PluginLifecycle.class);
			PluginsHealthIndicator health = context.getBean(PluginsHealthIndicator.class);
			assertThat(health.health(true).getDetails()).doesNotContainKey("loadErrors");
			registry.savePluginConfig(ID, Map.of("greeting", "fail"));
			assertThat(this.observations).hasObservationWithNameEqualTo("plugins.config.save")
				.that()
				.hasLowCardinalityKeyValue("plugin.category", "speakers")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasHighCardinalityKeyValue("plugin.id", ID);
			await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.getLoadError(ID).isPresent());
			assertThat(this.observations).hasObservationWithNameEqualTo("plugins.reload")
				.that()
				.hasLowCardinalityKeyValue("outcome", "failure")
				.hasLowCardinalityKeyValue("plugin.category", "speakers")
				.hasHighCardinalityKeyValue("plugin.id", ID)
				.hasError();
			LoudSpeaker speaker = context.getBean(LoudSpeaker.class);
			int resourceCalls = speaker.resourceCalls.get();
			Health failing = health.health(true);
			assertThat(speaker.resourceCalls).as("health calls no plugin").hasValue(resourceCalls);
			assertThat(failing.getStatus()).isEqualTo(Status.UP);
			assertThat(failing.getDetails().get("loadErrors")).asInstanceOf(
					org.assertj.core.api.InstanceOfAssertFactories.map(String.class, String.class))
				.containsOnlyKeys(ID)
				.hasValueSatisfying(new org.assertj.core.api.Condition<>((error) -> error.contains("refuses"),
						"names the cause"));
			assertThat(context.getBean(LoudSpeaker.class).configureMdc).last()
				.isEqualTo(CONTEXT);
			registry.savePluginConfig(ID, Map.of("greeting", "Hi"));
			await().atMost(Duration.ofSeconds(10)).until(() -> lifecycle.getLoadError(ID).isEmpty());
			assertThat(health.health(true).getDetails()).doesNotContainKey("loadErrors");
		});
	}

	@Test
	void theHotReadPathsAreNotObservedPerCall() {
		speakersLoadedOnStart().withPropertyValues("management.endpoints.web.exposure.include=plugins").run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			PluginsEndpoint endpoint = context.getBean(PluginsEndpoint.class);
			this.observations.clear();
			for (int i = 0; i < 100; i++) {
				assertThat(registry.getPlugin(ID)).isPresent();
				assertThat(endpoint.plugins(null).plugins()).isNotEmpty();
				assertThat(endpoint.plugin(ID, SecurityContext.NONE)).isNotNull();
			}
			assertThat(this.observations).doesNotHaveAnyObservation();
		});
	}

	@Test
	void anUnloadIsObservedAndForceCleanupSeesThePluginInTheMdc() {
		speakersLoadedOnStart().run((context) -> {
			context.getBean(PluginLifecycle.class).unload(ID);
			assertThat(this.observations).hasObservationWithNameEqualTo("plugins.unload")
				.that()
				.hasLowCardinalityKeyValue("plugin.category", "speakers")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasHighCardinalityKeyValue("plugin.id", ID);
			assertThat(context.getBean(LoudSpeaker.class).cleanupMdc).containsExactly(CONTEXT);
		});
	}

	@Test
	void shutdownCleanupsAndTerminationsAreObservedInThePluginsLogContext() {
		Gpu gpu = new Gpu();
		runner().withBean(ObservationRegistry.class, () -> this.observations)
			.withBean("workers", PluginManager.class, () -> new Manager(Map.of("gpu", gpu)))
			.withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.run((context) -> assertThat(this.observations).doesNotHaveAnyObservation());
		Map<String, String> gpuContext = Map.of("plugin.id", "workers_gpu", "plugin.category", "workers");
		assertThat(this.observations).hasObservationWithNameEqualTo("plugins.cleanup")
			.that()
			.hasLowCardinalityKeyValue("plugin.category", "workers")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("plugin.id", "workers_gpu");
		assertThat(this.observations).hasObservationWithNameEqualTo("plugins.cloud.terminate")
			.that()
			.hasLowCardinalityKeyValue("plugin.category", "workers")
			.hasLowCardinalityKeyValue("reason", "shutdown")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("plugin.id", "workers_gpu");
		assertThat(gpu.cleanupMdc).containsExactly(gpuContext);
		assertThat(gpu.terminateMdc).containsExactly(gpuContext);
	}

	@Test
	void aConventionThatThrowsFailsNoPluginOperationItObserves() {
		Gpu gpu = new Gpu();
		speakersLoadedOnStart().withBean(PluginObservationConvention.class, () -> new DefaultPluginObservationConvention() {
			@Override
			public KeyValues getLowCardinalityKeyValues(PluginObservationContext context) {
				throw new IllegalStateException("convention bug");
			}
		})
			.withBean("workers", PluginManager.class, () -> new Manager(Map.of("gpu", gpu)))
			.withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(PluginLifecycle.class).getLoadError(ID)).isEmpty();
				assertThat(context.getBean(UnifiedPluginRegistry.class).savePluginConfig(ID, Map.of("greeting", "Hi")))
					.isTrue();
				LoudSpeaker speaker = context.getBean(LoudSpeaker.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> "Hi there".equals(speaker.say("there")));
			});
		assertThat(gpu.cleanupMdc).as("cleaned up at shutdown").hasSize(1);
		assertThat(gpu.terminateMdc).as("terminated at shutdown").hasSize(1);
	}

	@Test
	void anIdleTerminationByTheCostGuardIsObservedWithItsReasonInThePluginsLogContext() {
		Gpu gpu = new Gpu();
		runner().withConfiguration(AutoConfigurations.of(PluginsCloudCostAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withBean("workers", PluginManager.class, () -> new Manager(Map.of("gpu", gpu)))
			.withPropertyValues("plugins.cloud.idle-timeout=1ms", "plugins.cloud.check-interval=1h")
			.run((context) -> {
				CloudCostGuard guard = context.getBean(CloudCostGuard.class);
				// Idle time counts from when the guard first saw the resource.
				guard.check();
				Thread.sleep(20);
				guard.check();
				assertThat(gpu.terminateMdc).containsExactly(Map.of("plugin.id", "workers_gpu", "plugin.category", "workers"));
				assertThat(this.observations).hasObservationWithNameEqualTo("plugins.cloud.terminate")
					.that()
					.hasLowCardinalityKeyValue("plugin.category", "workers")
					.hasLowCardinalityKeyValue("reason", "idle")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasHighCardinalityKeyValue("plugin.id", "workers_gpu");
			});
	}

	@Test
	void resourceAndCostCallsSeeThePluginInTheMdc() {
		Gpu gpu = new Gpu();
		runner().withBean("workers", PluginManager.class, () -> new Manager(Map.of("gpu", gpu)))
			.withPropertyValues("plugins.shutdown.cleanup=false")
			.run((context) -> {
				assertThat(context.getBean(PluginInspector.class).inspectAll(1.0).hourlyCost()).isEqualTo(4.40);
				assertThat(gpu.costMdc).isNotEmpty()
					.containsOnly(Map.of("plugin.id", "workers_gpu", "plugin.category", "workers"));
			});
	}

	@Test
	void withoutAnObservationRegistryCallsStillRunInThePluginsLogContext() {
		runner().withUserConfiguration(SpeakerBeans.class)
			.withPropertyValues("plugins.systems.speakers.type=" + Speaker.class.getName(),
					"plugins.systems.speakers.load-on-start=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(ObservationPluginCallObserver.class);
				assertThat(context.getBean(LoudSpeaker.class).configureMdc).containsExactly(CONTEXT);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesAnObserver() {
		runner().withBean(PluginCallObserver.class, () -> PluginCallObserver.NONE)
			.run((context) -> assertThat(context).hasSingleBean(PluginCallObserver.class)
				.doesNotHaveBean(ObservationPluginCallObserver.class));
	}

	private static Map<String, String> mdc() {
		Map<String, String> copy = MDC.getCopyOfContextMap();
		return (copy != null) ? new HashMap<>(copy) : Map.of();
	}

	/** The plugin interface of these tests. */
	public interface Speaker {

		String say(String what);

	}

	/** A configuration with a default. */
	public record Loudness(@JsonProperty(defaultValue = "Hello") String greeting) {
	}

	/** A lifecycle-aware plugin that records the MDC its {@code forceCleanup} saw. */
	public abstract static class CleanupRecorder implements LifecycleAwarePlugin {

		final List<Map<String, String>> cleanupMdc = new CopyOnWriteArrayList<>();

		final AtomicInteger resourceCalls = new AtomicInteger();

		private final PluginExecutionMode mode;

		CleanupRecorder(PluginExecutionMode mode) {
			this.mode = mode;
		}

		@Override
		public PluginExecutionMode getExecutionMode() {
			return this.mode;
		}

		@Override
		public List<Long> getChildPids() {
			this.resourceCalls.incrementAndGet();
			return List.of();
		}

		@Override
		public Map<String, Object> getManagedResources() {
			this.resourceCalls.incrementAndGet();
			return Map.of();
		}

		@Override
		public void forceCleanup() {
			this.cleanupMdc.add(mdc());
		}

	}

	/** Refuses the greeting "fail"; records the MDC its plugin code saw. */
	public static class LoudSpeaker extends CleanupRecorder implements Speaker, ConfigurablePlugin<Loudness> {

		final List<Map<String, String>> configureMdc = new CopyOnWriteArrayList<>();

		public LoudSpeaker() {
			super(PluginExecutionMode.IN_PROCESS);
		}

		volatile Loudness config = new Loudness("Hello");

		@Override
		public void configure(Loudness config) {
			this.configureMdc.add(mdc());
			if ("fail".equals(config.greeting())) {
				throw new IllegalArgumentException("the speaker refuses this greeting");
			}
			this.config = config;
		}

		@Override
		public String say(String what) {
			return this.config.greeting() + " " + what;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SpeakerBeans {

		@Bean
		@Lazy
		LoudSpeaker loudSpeaker() {
			return new LoudSpeaker();
		}

	}

	record Manager(Map<String, Object> plugins) implements PluginManager {

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return this.plugins.keySet().stream().sorted().map((name) -> PluginDescriptor.builder(name).build()).toList();
		}

		@Override
		public Optional<Object> getPlugin(String name) {
			return Optional.ofNullable(this.plugins.get(name));
		}

	}

	/** A running cloud GPU that records the MDC of its cleanup and termination. */
	static class Gpu extends CleanupRecorder implements CloudAwarePlugin {

		final List<Map<String, String>> terminateMdc = new CopyOnWriteArrayList<>();

		final List<Map<String, String>> costMdc = new CopyOnWriteArrayList<>();

		Gpu() {
			super(PluginExecutionMode.CLOUD_GPU);
		}

		private volatile RemoteResourceInfo resource = RemoteResourceInfo.builder(CloudProviderType.RUNPOD)
			.status("running")
			.estimatedCostPerHour(4.40)
			.build();

		@Override
		public RemoteResourceInfo getRemoteResourceInfo() {
			return this.resource;
		}

		@Override
		public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
			return this.resource;
		}

		@Override
		public String checkRemoteResourceStatus() {
			return this.resource.status();
		}

		@Override
		public Optional<Instant> getLastActivity() {
			return Optional.of(Instant.EPOCH);
		}

		@Override
		public boolean terminateRemoteResource() {
			this.terminateMdc.add(mdc());
			this.resource = this.resource.withStatus("terminated");
			return true;
		}

		@Override
		public double estimateCost(double durationHours) {
			this.costMdc.add(mdc());
			return this.resource.isRunning() ? 4.40 * durationHours : 0;
		}

	}

}
