package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpoint.TerminationDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.protocols.CloudActivitySource;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the activity sources and the before-terminate bound in
 * {@link PluginsCloudCostAutoConfiguration}: every {@link CloudActivitySource} bean is asked,
 * and {@code plugins.cloud.before-terminate-timeout} binds.
 */
class PluginsCloudActivityAutoConfigurationTests {

	@TempDir
	Path dir;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void tearDown() {
		this.release.countDown();
	}

	private ApplicationContextRunner runner(SimulatedCloudPlugin plugin) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class,
					PluginsCloudCostAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "management.endpoints.web.exposure.include=plugins",
					"plugins.cloud.check-interval=100ms")
			.withBean("cloud", PluginManager.class, () -> TestPluginManager.of(Map.of("gpu", plugin)))
			.withBean("eventCapture", ApplicationListener.class, () -> (ApplicationListener<ApplicationEvent>) (
					event) -> {
				if (event instanceof PayloadApplicationEvent<?> payload) {
					this.events.add(payload.getPayload());
				}
			});
	}

	@Test
	void everyActivitySourceBeanIsAskedAndABusyOneKeepsAnIdleResource() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(2.0);
		gpu.lastActivity = Instant.EPOCH;
		List<String> asked = new CopyOnWriteArrayList<>();
		runner(gpu).withPropertyValues("plugins.cloud.idle-timeout=200ms")
			.withBean("quiet", CloudActivitySource.class, () -> (id, plugin) -> {
				asked.add("quiet " + id);
				return Optional.empty();
			})
			.withBean("busy", CloudActivitySource.class, () -> (id, plugin) -> {
				asked.add("busy " + id);
				return Optional.of(Instant.now());
			})
			.run((context) -> {
				Await.until("both sources are asked several times", () -> asked.size() >= 6);
				assertThat(asked).contains("quiet cloud_gpu", "busy cloud_gpu");
				assertThat(gpu.terminations).hasValue(0);
			});
	}

	@Test
	void beforeTerminateTimeoutBindsAndTheEndpointShowsTheHookDidNotFinish() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(2.0);
		gpu.onBeforeTerminate = (reason) -> TestPlugins.hangIgnoringInterrupts(this.release);
		runner(gpu).withPropertyValues("plugins.cloud.max-lifetime=100ms", "plugins.cloud.before-terminate-timeout=200ms")
			.run((context) -> {
				// With the default 30 s the event would come after Await's bound.
				Await.until("the termination after the hook's timeout", () -> this.events
					.contains(new PluginCloudResourceTerminated("cloud_gpu", Reason.LIFETIME, 2.0, true, false)));
				assertThat(context.getBean(PluginsProperties.class).getCloud().getBeforeTerminateTimeout())
					.hasMillis(200);
				Await.until("the endpoint shows the termination",
						() -> context.getBean(PluginsEndpoint.class).plugins(null).plugins().get(0).cloudCost() != null);
				TerminationDescriptor last = context.getBean(PluginsEndpoint.class)
					.plugins(null)
					.plugins()
					.get(0)
					.cloudCost()
					.lastTermination();
				assertThat(last.succeeded()).isTrue();
				assertThat(last.beforeTerminateFinished()).isFalse();
			});
	}

	@Test
	void nonPositiveBeforeTerminateTimeoutFailsNamingTheProperty() {
		runner(new SimulatedCloudPlugin(1.0)).withPropertyValues("plugins.cloud.before-terminate-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.cloud.before-terminate-timeout"));
	}

}
