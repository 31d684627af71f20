package dev.unifiedplugins.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.actuate.CloudCostMetrics;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostFleet;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.lifecycle.CloudCostGuardLifecycle;
import dev.unifiedplugins.protocols.CloudActivitySource;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the cloud cost guard rails: a {@link CloudCostGuard} that accrues the plugins' cloud
 * cost and enforces {@code plugins.cloud.*} and {@code plugins.cost.budget.*}, run every
 * {@code plugins.cloud.check-interval}, and its Micrometer meters. With a
 * {@link CloudCostFleet} bean (the JDBC store defines one) the guard publishes to the fleet
 * and its budget caps the fleet's resources. Every {@link CloudActivitySource} bean, in
 * order, is asked on each idle check.
 */
@AutoConfiguration(after = PluginsAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnBean({ UnifiedPluginRegistry.class, BoundedCalls.class })
@EnableConfigurationProperties(PluginsProperties.class)
public final class PluginsCloudCostAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CloudCostGuard cloudCostGuard(UnifiedPluginRegistry registry, BoundedCalls pluginCalls,
			PluginsProperties properties, ObjectProvider<CloudCostFleet> fleet,
			ObjectProvider<CloudActivitySource> activitySources) {
		PluginsProperties.Cloud cloud = properties.getCloud();
		PluginsProperties.Budget budget = properties.getCost().getBudget();
		Double hourlyUsd = requireUsd(budget.getHourlyUsd(), "plugins.cost.budget.hourly-usd");
		Map<String, CloudCostGuard.CategoryBudget> categories = new LinkedHashMap<>();
		budget.getCategories().forEach((category, categoryBudget) -> {
			Double cap = requireUsd(categoryBudget.getHourlyUsd(),
					"plugins.cost.budget.categories." + category + ".hourly-usd");
			if (cap != null) {
				categories.put(category, new CloudCostGuard.CategoryBudget(cap,
						Objects.requireNonNullElse(categoryBudget.getAction(), budget.getAction())));
			}
		});
		CloudCostGuard guard = new CloudCostGuard(registry, pluginCalls, Clock.systemUTC(),
				new CloudCostGuard.Settings(optionalPositive(cloud.getIdleTimeout(), "plugins.cloud.idle-timeout"),
						optionalPositive(cloud.getMaxLifetime(), "plugins.cloud.max-lifetime"), hourlyUsd,
						budget.getAction(), PluginsAutoConfiguration.requirePositive(properties.getResourceTimeout(),
								"plugins.resource-timeout"),
						categories),
				fleet.getIfAvailable());
		guard.setActivitySources(activitySources.orderedStream().toList());
		guard.setBeforeTerminateTimeout(PluginsAutoConfiguration.beforeTerminateTimeout(properties));
		return guard;
	}

	private static Double requireUsd(Double hourlyUsd, String property) {
		if (hourlyUsd != null && (!Double.isFinite(hourlyUsd) || hourlyUsd < 0)) {
			throw new InvalidConfigurationPropertyValueException(property, hourlyUsd,
					"must be a finite amount of USD of at least 0");
		}
		return hourlyUsd;
	}

	@Bean
	@ConditionalOnMissingBean
	CloudCostGuardLifecycle cloudCostGuardLifecycle(CloudCostGuard cloudCostGuard, PluginsProperties properties,
			ApplicationEventPublisher publisher) {
		return new CloudCostGuardLifecycle(cloudCostGuard, PluginsAutoConfiguration
			.requirePositive(properties.getCloud().getCheckInterval(), "plugins.cloud.check-interval"), publisher);
	}

	/**
	 * Keeps the guard running under {@code spring.main.lazy-initialization=true}: nothing
	 * depends on its lifecycle, so lazily it would never start.
	 */
	@Bean
	static LazyInitializationExcludeFilter cloudCostLazyInitializationExcludeFilter() {
		return LazyInitializationExcludeFilter.forBeanTypes(CloudCostGuardLifecycle.class);
	}

	private static Duration optionalPositive(Duration duration, String property) {
		return (duration != null) ? PluginsAutoConfiguration.requirePositive(duration, property) : null;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CloudCostMetrics cloudCostMetrics(CloudCostGuard cloudCostGuard) {
			return new CloudCostMetrics(cloudCostGuard);
		}

	}

}
