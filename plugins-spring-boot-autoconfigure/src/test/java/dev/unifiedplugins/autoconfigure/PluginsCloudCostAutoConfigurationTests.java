package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.actuate.CloudCostMetrics;
import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginEntry;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.CategoryBudget;
import dev.unifiedplugins.lifecycle.CloudCostGuardLifecycle;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsCloudCostAutoConfiguration}: the guard runs every check
 * interval with simulated cloud resources, and each automatic termination shows in the
 * log, an application event, a metric and the endpoint.
 */
class PluginsCloudCostAutoConfigurationTests {

	@TempDir
	Path dir;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner(Map<String, ?> plugins) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class,
					PluginsCloudCostAutoConfiguration.class, PluginsEndpointAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "management.endpoints.web.exposure.include=plugins")
			.withBean("cloud", PluginManager.class, () -> TestPluginManager.of(plugins))
			.withBean("eventCapture", ApplicationListener.class, () -> (ApplicationListener<ApplicationEvent>) (
					event) -> {
				if (event instanceof PayloadApplicationEvent<?> payload) {
					this.events.add(payload.getPayload());
				}
			});
	}

	@Test
	void guardRunsWithoutLimitsByDefault() {
		runner(Map.of()).run((context) -> {
			assertThat(context).hasSingleBean(CloudCostGuard.class).hasSingleBean(CloudCostGuardLifecycle.class);
			assertThat(context.getBean(CloudCostGuardLifecycle.class).isRunning()).isTrue();
			CloudCostGuard.Settings settings = context.getBean(CloudCostGuard.class).getSettings();
			assertThat(settings.idleTimeout()).isNull();
			assertThat(settings.maxLifetime()).isNull();
			assertThat(settings.budgetHourlyUsd()).isNull();
			assertThat(settings.budgetAction()).isEqualTo(BudgetAction.WARN);
			assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void propertiesBindToTheGuardsSettings() {
		runner(Map.of())
			.withPropertyValues("plugins.cloud.idle-timeout=15m", "plugins.cloud.max-lifetime=8h",
					"plugins.cost.budget.hourly-usd=10.5", "plugins.cost.budget.action=terminate",
					"plugins.resource-timeout=3s")
			.run((context) -> assertThat(context.getBean(CloudCostGuard.class).getSettings())
				.isEqualTo(new CloudCostGuard.Settings(Duration.ofMinutes(15), Duration.ofHours(8), 10.5,
						BudgetAction.TERMINATE, Duration.ofSeconds(3))));
	}

	@Test
	void categoryBudgetsBindWithTheGlobalActionAsTheirDefault() {
		runner(Map.of())
			.withPropertyValues("plugins.cost.budget.action=terminate",
					"plugins.cost.budget.categories.llm.hourly-usd=10",
					"plugins.cost.budget.categories.transcription.hourly-usd=2.5",
					"plugins.cost.budget.categories.transcription.action=warn")
			.run((context) -> {
				CloudCostGuard.Settings settings = context.getBean(CloudCostGuard.class).getSettings();
				assertThat(settings.budgetHourlyUsd()).as("no global cap").isNull();
				assertThat(settings.categoryBudgets()).isEqualTo(
						Map.of("llm", new CategoryBudget(10.0, BudgetAction.TERMINATE), "transcription",
								new CategoryBudget(2.5, BudgetAction.WARN)));
			});
	}

	@Test
	void negativeCategoryBudgetFailsNamingTheProperty() {
		runner(Map.of()).withPropertyValues("plugins.cost.budget.categories.llm.hourly-usd=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.cost.budget.categories.llm.hourly-usd"));
	}

	@Test
	void guardBacksOffWhenTheApplicationDefinesOne() {
		runner(Map.of())
			.withBean("myGuard", CloudCostGuard.class,
					() -> new CloudCostGuard(new UnifiedPluginRegistry(this.dir.resolve("mine")),
							new BoundedCalls("mine-", 1), Clock.systemUTC(),
							CloudCostGuard.Settings.accrueOnly(Duration.ofSeconds(1)), null))
			.run((context) -> assertThat(context).getBean(CloudCostGuard.class)
				.isSameAs(context.getBean("myGuard")));
	}

	@Test
	void guardIsAbsentWhenTheRegistryIsDisabled() {
		runner(Map.of()).withPropertyValues("plugins.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudCostGuard.class)
				.doesNotHaveBean(CloudCostGuardLifecycle.class));
	}

	@Test
	void nonPositiveCheckIntervalFailsNamingTheProperty() {
		runner(Map.of()).withPropertyValues("plugins.cloud.check-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.cloud.check-interval"));
	}

	@Test
	void negativeBudgetFailsNamingTheProperty() {
		runner(Map.of()).withPropertyValues("plugins.cost.budget.hourly-usd=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.cost.budget.hourly-usd"));
	}

	@Test
	void idleResourceIsTerminatedOnceAfterItsTimeoutWithEventMetricAndEndpointEntry() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(2.5);
		runner(Map.of("llm", llm))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("plugins.cloud.idle-timeout=400ms", "plugins.cloud.check-interval=100ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(CloudCostMetrics.class).bindTo(meters);
				Instant active = Instant.now();
				llm.lastActivity = active;
				Await.until("the idle resource is terminated", () -> llm.terminations.get() > 0);
				Duration idle = Duration.between(active, Instant.now());
				// Never before the idle timeout; how soon after is the check interval's business,
				// bounded by Await, not a wall-clock figure a loaded machine could miss.
				assertThat(idle).isGreaterThanOrEqualTo(Duration.ofMillis(400));
				Thread.sleep(300);
				assertThat(llm.terminations.get()).isOne();
				assertThat(this.events).containsOnlyOnce(
						new PluginCloudResourceTerminated("cloud_llm", Reason.IDLE, 2.5, true));
				assertThat(meters.get("plugins.cloud.terminations")
					.tag("reason", "idle")
					.tag("outcome", "success")
					.counter()
					.count()).isEqualTo(1.0);
				assertThat(meters.get("plugins.cloud.cost.accrued").functionCounter().count()).isPositive();
				PluginsEndpoint.PluginsDescriptor plugins = context.getBean(PluginsEndpoint.class).plugins(null);
				assertThat(plugins.cloudCost().accruedUsd()).isPositive();
				assertThat(plugins.cloudCost().budget()).isNull();
				PluginEntry entry = plugins.plugins().get(0);
				assertThat(entry.cloudCost().accruedUsd()).isPositive();
				assertThat(entry.cloudCost().lastTermination().reason()).isEqualTo(Reason.IDLE);
				assertThat(entry.cloudCost().lastTermination().succeeded()).isTrue();
				assertThat(entry.cloudCost().lastTermination().hourlyUsd()).isEqualTo(2.5);
			});
	}

	@Test
	void failingTerminationIsShownAsAnErrorAndRetriedAtTheNextCheck() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(2.5);
		llm.failures = 1;
		runner(Map.of("llm", llm))
			.withPropertyValues("plugins.cloud.max-lifetime=200ms", "plugins.cloud.check-interval=100ms")
			.run((context) -> {
				PluginsEndpoint endpoint = context.getBean(PluginsEndpoint.class);
				Await.until("the first termination fails",
						() -> this.events.contains(new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME,
								2.5, false)));
				// The event follows the terminate call: wait for the event, not the call.
				Await.until("the retried termination's event", () -> this.events
					.contains(new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 2.5, true)));
				assertThat(llm.terminations.get()).isPositive();
				assertThat(this.events).containsSubsequence(
						new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 2.5, false),
						new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 2.5, true));
				Await.until("the endpoint shows the success", () -> endpoint.plugins(null).plugins().get(0)
					.cloudCost().lastTermination().succeeded());
			});
	}

	@Test
	void exceededBudgetIsAHealthDetailNeverDown() {
		runner(Map.of("a", new SimulatedCloudPlugin(6.0), "b", new SimulatedCloudPlugin(5.0)))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("plugins.cost.budget.hourly-usd=10", "plugins.cloud.check-interval=100ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(CloudCostMetrics.class).bindTo(meters);
				Await.until("the budget is found exceeded",
						() -> this.events.contains(new CloudCostGuard.BudgetExceeded(11.0, 10.0, BudgetAction.WARN)));
				Health health = context.getBean(PluginsHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("cloudBudget", Map.of("hourlyUsd", 10.0, "exceeded",
						true, "action", "warn", "runningHourlyUsd", 11.0));
				assertThat(context.getBean(PluginsEndpoint.class).plugins(null).cloudCost().budget())
					.isEqualTo(new PluginsEndpoint.BudgetDescriptor(10.0, true, "warn"));
				assertThat(meters.get("plugins.cloud.budget.exceeded").gauge().value()).isEqualTo(1.0);
				assertThat(this.events).filteredOn(PluginCloudResourceTerminated.class::isInstance).isEmpty();
			});
	}

	@Test
	void exceededCategoryBudgetIsAHealthDetailATaggedGaugeAndInTheEndpoint() {
		runner(Map.of("a", new SimulatedCloudPlugin(6.0), "b", new SimulatedCloudPlugin(5.0)))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("plugins.cost.budget.categories.cloud.hourly-usd=10",
					"plugins.cloud.check-interval=100ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(CloudCostMetrics.class).bindTo(meters);
				Await.until("the category's budget is found exceeded", () -> this.events
					.contains(new CloudCostGuard.BudgetExceeded(11.0, 10.0, BudgetAction.WARN, "cloud")));
				Health health = context.getBean(PluginsHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("cloudBudget", Map.of("categories", Map.of("cloud",
						Map.of("hourlyUsd", 10.0, "exceeded", true, "action", "warn", "runningHourlyUsd", 11.0))));
				assertThat(context.getBean(PluginsEndpoint.class).plugins(null).cloudCost().budget())
					.isEqualTo(new PluginsEndpoint.BudgetDescriptor(null, false, "warn",
							Map.of("cloud", new PluginsEndpoint.CategoryBudgetDescriptor(10.0, true, "warn"))));
				assertThat(meters.get("plugins.cloud.budget.exceeded").tag("category", "cloud").gauge().value())
					.isEqualTo(1.0);
				assertThat(meters.get("plugins.cloud.budget.exceeded").tag("category", CloudCostMetrics.GLOBAL)
					.gauge()
					.value()).as("no global budget").isZero();
				assertThat(this.events).filteredOn(PluginCloudResourceTerminated.class::isInstance).isEmpty();
			});
	}

	@Test
	void budgetTerminateEndsTheMostExpensiveResourceOnce() {
		SimulatedCloudPlugin small = new SimulatedCloudPlugin(4.0);
		SimulatedCloudPlugin large = new SimulatedCloudPlugin(7.0);
		runner(Map.of("small", small, "large", large))
			.withPropertyValues("plugins.cost.budget.hourly-usd=10", "plugins.cost.budget.action=terminate",
					"plugins.cloud.check-interval=100ms")
			.run((context) -> {
				Await.until("the budget is enforced", () -> large.terminations.get() > 0);
				Thread.sleep(300);
				assertThat(large.terminations.get()).isOne();
				assertThat(small.terminations.get()).isZero();
				assertThat(this.events).containsOnlyOnce(
						new PluginCloudResourceTerminated("cloud_large", Reason.BUDGET, 7.0, true));
				assertThat(context.getBean(PluginsEndpoint.class).plugins(null).cloudCost().budget().exceeded())
					.isFalse();
			});
	}

}
