package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension;
import dev.unifiedplugins.actuate.PluginsEndpointWriter;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.actuate.PluginsMetrics;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsEndpointAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PluginsEndpointAutoConfigurationTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PluginsAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir)
			.withBean("transcription", PluginManager.class, () -> PluginsAutoConfigurationTests.manager("whisper"));
	}

	@Test
	void endpointIsAbsentWhenNotExposed() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(PluginsEndpoint.class));
	}

	@Test
	void endpointIsPresentWhenExposed() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.run((context) -> assertThat(context).hasSingleBean(PluginsEndpoint.class));
	}

	@Test
	void openWritesWithoutSecurityOnEveryAddressAreAWarning(CapturedOutput output) {
		openWrites().run((context) -> assertThat(context).hasSingleBean(PluginsEndpointWebExtension.class));
		assertThat(output).contains("management.endpoint.plugins.access=unrestricted, without Spring Security, on"
				+ " every address (server.address is not set): anyone who reaches it can change plugin configurations");
	}

	@Test
	void openWritesOnTheLoopbackAddressOrBehindSpringSecurityAreNoWarning(CapturedOutput output) {
		openWrites().withPropertyValues("server.address=127.0.0.1").run((context) -> assertThat(context).hasNotFailed());
		openWrites().withClassLoader(getClass().getClassLoader()).run((context) -> assertThat(context).hasNotFailed());
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.withClassLoader(new FilteredClassLoader("org.springframework.security.web.SecurityFilterChain"))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("access=unrestricted, without Spring Security");
	}

	@Test
	void openWritesOnAManagementPortOfTheirOwnAreJudgedByTheManagementAddress(CapturedOutput output) {
		openWrites().withPropertyValues("server.address=127.0.0.1", "management.server.port=18081")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("without Spring Security, on every address (management.server.address is not set)");
	}

	@Test
	void openWritesOnALoopbackManagementAddressOrTheServersOwnPortAreNoWarning(CapturedOutput output) {
		openWrites().withPropertyValues("management.server.port=18081", "management.server.address=127.0.0.1")
			.run((context) -> assertThat(context).hasNotFailed());
		// The same port as the server's is the server: its address is the one that counts.
		openWrites().withPropertyValues("server.address=127.0.0.1", "server.port=18080", "management.server.port=18080")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("access=unrestricted, without Spring Security");
	}

	/** Writes open, Spring Security hidden. */
	private ApplicationContextRunner openWrites() {
		return runner().withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=plugins",
					"management.endpoint.plugins.access=UNRESTRICTED")
			.withClassLoader(new FilteredClassLoader("org.springframework.security.web.SecurityFilterChain"));
	}

	@Test
	void theEndpointEstimatesForTheConfiguredDefaultHours() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins", "plugins.cost.default-hours=24")
			.run((context) -> assertThat(context.getBean(PluginsEndpoint.class).plugins(null).cloudCost().hours())
				.isEqualTo(24.0));
	}

	@Test
	void theDetailViewShowsTheAppliedRevisionsOfTheApplication() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins").run((context) -> {
			PluginsEndpoint endpoint = context.getBean(PluginsEndpoint.class);
			assertThat(endpoint.plugin("transcription_whisper", SecurityContext.NONE).applied())
				.as("not loaded anywhere")
				.isEmpty();
		});
	}

	@Test
	void anAwaitTimeoutThatIsNotPositiveFailsTheStartNamingTheProperty() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins", "plugins.await-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("plugins.await-timeout"));
	}

	@Test
	void aUserDefinedEndpointIsKept() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(PluginsEndpoint.class).hasBean("myEndpoint");
				assertThat(context.getBean(PluginsEndpoint.class).plugins(null).cloudCost().hours()).isEqualTo(3.0);
			});
	}

	@Test
	void aUserDefinedMetricsBinderIsKept() {
		runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(PluginsMetrics.class).hasBean("myMetrics"));
	}

	@Test
	void writeOperationsComeWithTheEndpoint() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.run((context) -> assertThat(context).hasSingleBean(PluginsEndpointWebExtension.class)
				.hasSingleBean(PluginsEndpointWriter.class));
	}

	@Test
	void writesArePublishedAsAuditEventsWhenTheApplicationKeepsThem() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.withBean(InMemoryAuditEventRepository.class)
			.withConfiguration(AutoConfigurations.of(AuditAutoConfiguration.class))
			.run((context) -> {
				String revision = context.getBean(PluginsEndpointWriter.class)
					.save("transcription_whisper", Map.of("model", "base"), ExpectedRevision.any(), () -> "operator");
				List<AuditEvent> events = context.getBean(InMemoryAuditEventRepository.class).find(null, null, null);
				assertThat(events).singleElement().satisfies((event) -> {
					assertThat(event.getType()).isEqualTo(PluginsEndpointWriter.CONFIG_SAVED);
					assertThat(event.getPrincipal()).isEqualTo("operator");
					assertThat(event.getData()).containsEntry("uniqueId", "transcription_whisper")
						.containsEntry("revision", revision)
						.doesNotContainValue("base");
				});
			});
	}

	@Test
	void noAuditEventIsPublishedWithoutARepository() {
		runner().withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.withBean(AuditEvents.class)
			.run((context) -> {
				context.getBean(PluginsEndpointWriter.class)
					.save("transcription_whisper", Map.of("model", "base"), ExpectedRevision.any(), null);
				assertThat(context.getBean(AuditEvents.class).published).isEmpty();
			});
	}

	/** Every audit event published. */
	static class AuditEvents implements ApplicationListener<AuditApplicationEvent> {

		final List<AuditApplicationEvent> published = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(AuditApplicationEvent event) {
			this.published.add(event);
		}

	}

	@Test
	void endpointIsAbsentWhenAccessIsNone() {
		runner()
			.withPropertyValues("management.endpoints.web.exposure.include=plugins",
					"management.endpoint.plugins.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(PluginsEndpoint.class));
	}

	@Test
	void actuatorSupportIsAbsentWithoutActuatorButRegistryWorks() {
		runner().withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=plugins")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(PluginsEndpoint.class)
					.doesNotHaveBean(PluginsHealthIndicator.class)
					.doesNotHaveBean(PluginsMetrics.class);
				assertThat(context.getBean(UnifiedPluginRegistry.class).getPlugin("transcription_whisper")).isPresent();
			});
	}

	@Test
	void endpointBacksOffWhenRegistryIsDisabled() {
		runner().withPropertyValues("plugins.enabled=false", "management.endpoints.web.exposure.include=plugins")
			.run((context) -> assertThat(context).doesNotHaveBean(PluginsEndpoint.class)
				.doesNotHaveBean(PluginsHealthIndicator.class));
	}

	@Test
	void healthIndicatorIsUpWithCounts() {
		runner().run((context) -> {
			Health health = context.getBean(PluginsHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("categories", 1)
				.containsEntry("plugins", 1)
				.containsEntry("configured", 0L);
		});
	}

	@Test
	void healthIndicatorIsDownWhenAManagerFailedDiscovery() {
		runner().withBean("llm", PluginManager.class, () -> () -> {
			throw new IllegalStateException("model directory missing");
		}).run((context) -> {
			Health health = context.getBean(PluginsHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("failed")).asString()
				.contains("llm")
				.contains("model directory missing");
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		runner().withPropertyValues("management.health.plugins.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PluginsHealthIndicator.class));
	}

	@Test
	void metricsAreBoundWhenAMeterRegistryExists() {
		runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(PluginsMetrics.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(PluginsMetrics.class).bindTo(meters);
			assertThat(meters.get("plugins.registered").tag("category", "transcription").gauge().value())
				.isEqualTo(1.0);
			assertThat(meters.get("plugins.configured").gauge().value()).isEqualTo(0.0);
			assertThat(meters.get("plugins.managed.processes").gauge().value()).isEqualTo(0.0);
			assertThat(meters.get("plugins.active.resources").gauge().value()).isEqualTo(0.0);
			assertThat(meters.get("plugins.cloud.cost.hourly").gauge().value()).isEqualTo(0.0);
		});
	}

	@Test
	void theConfiguredGaugeFollowsAConfigurationSavedElsewhere() {
		runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(PluginsMetrics.class).bindTo(meters);
			assertThat(meters.get("plugins.configured").gauge().value()).isEqualTo(0.0);
			new dev.unifiedplugins.config.FileSystemPluginConfigStore(this.dir).save("transcription_whisper",
					java.util.Map.of("model", "tiny"));
			dev.unifiedplugins.testsupport.Await.until("the gauge counts it",
					() -> meters.get("plugins.configured").gauge().value() == 1.0);
		});
	}

	@Test
	void metricsAreAbsentWithoutMeterRegistry() {
		runner().run((context) -> assertThat(context).doesNotHaveBean(PluginsMetrics.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		PluginsEndpoint myEndpoint(UnifiedPluginRegistry registry, PluginInspector inspector) {
			return new PluginsEndpoint(registry, inspector, new Sanitizer(List.of()), Show.NEVER, Set.of(), 3.0,
					null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		PluginsMetrics myMetrics(UnifiedPluginRegistry registry, PluginInspector inspector) {
			return new PluginsMetrics(registry, inspector, Duration.ofSeconds(1));
		}

	}

}
