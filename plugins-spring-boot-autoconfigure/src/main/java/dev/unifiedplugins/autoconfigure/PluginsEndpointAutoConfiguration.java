package dev.unifiedplugins.autoconfigure;

import java.time.Duration;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension;
import dev.unifiedplugins.actuate.PluginsEndpointWriter;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.actuate.PluginsMetrics;
import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.lifecycle.CloudResourceTerminations;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.registration.PluginManagerRegistrar;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the actuator support for the plugin registry: the {@code plugins} endpoint, the
 * {@code plugins} health indicator and Micrometer gauges. Each part backs off when its
 * actuator module is absent, so the registry works without actuator.
 */
@AutoConfiguration(after = { PluginsAutoConfiguration.class, PluginsCloudCostAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(UnifiedPluginRegistry.class)
public final class PluginsEndpointAutoConfiguration {

	static final EndpointId PLUGINS = EndpointId.of("plugins");

	/** The endpoint's path within the application, or null when it is not served over HTTP. */
	static @Nullable String endpointPath(@Nullable PathMappedEndpoints endpoints) {
		return (endpoints != null) ? endpoints.getPath(PLUGINS) : null;
	}

	/** The endpoint's access as configured; its writes are served only when unrestricted. */
	static Access endpointAccess(ObjectProvider<EndpointAccessResolver> resolver) {
		Access defaultAccess = PluginsEndpoint.class.getAnnotation(Endpoint.class).defaultAccess();
		EndpointAccessResolver found = resolver.getIfAvailable();
		return (found != null) ? found.accessFor(PLUGINS, defaultAccess) : defaultAccess;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(PluginsEndpoint.class)
	@ConditionalOnBean(PluginInspector.class)
	@EnableConfigurationProperties({ PluginsEndpointProperties.class, PluginsProperties.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PluginsEndpoint pluginsEndpoint(UnifiedPluginRegistry registry, PluginInspector pluginInspector,
				ObjectProvider<SanitizingFunction> sanitizingFunctions, PluginsEndpointProperties endpointProperties,
				PluginsProperties properties, ObjectProvider<CloudCostGuard> cloudCostGuard,
				ObjectProvider<AppliedRevisions> appliedRevisions) {
			double hours = properties.getCost().getDefaultHours();
			try {
				PluginInspector.requireValidHours(hours);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("plugins.cost.default-hours", hours,
						PluginInspector.HOURS_RULE);
			}
			return new PluginsEndpoint(registry, pluginInspector,
					new Sanitizer(sanitizingFunctions.orderedStream().toList()), endpointProperties.getShowValues(),
					endpointProperties.getRoles(), hours, cloudCostGuard.getIfAvailable(), appliedRevisions.getIfAvailable(),
					PluginsAutoConfiguration.requirePositive(properties.getAwaitTimeout(), "plugins.await-timeout"));
		}

		@Bean
		@ConditionalOnMissingBean
		PluginsEndpointWriter pluginsEndpointWriter(UnifiedPluginRegistry registry, BoundedCalls pluginCalls,
				PluginsProperties properties, ApplicationEventPublisher publisher,
				ObjectProvider<AuditEventRepository> auditEventRepository, ObjectProvider<CloudCostGuard> cloudCostGuard,
				ObjectProvider<PluginCallObserver> pluginCallObserver) {
			Duration timeout = PluginsAutoConfiguration.requirePositive(properties.getResourceTimeout(),
					"plugins.resource-timeout");
			PluginShutdown pluginShutdown = new PluginShutdown(registry, pluginCalls, timeout,
					new CloudResourceTerminations(cloudCostGuard, publisher));
			pluginCallObserver.ifAvailable(pluginShutdown::setObserver);
			pluginShutdown.setBeforeTerminateTimeout(PluginsAutoConfiguration.beforeTerminateTimeout(properties));
			// Boot stores AuditApplicationEvents only when the application has a repository.
			return new PluginsEndpointWriter(registry, pluginShutdown, timeout,
					(event) -> {
						if (auditEventRepository.stream().findAny().isPresent()) {
							publisher.publishEvent(new AuditApplicationEvent(event));
						}
					});
		}

		@Bean
		@ConditionalOnMissingBean
		PluginsEndpointWebExtension pluginsEndpointWebExtension(PluginsEndpoint pluginsEndpoint,
				UnifiedPluginRegistry registry, PluginsEndpointWriter pluginsEndpointWriter) {
			return new PluginsEndpointWebExtension(pluginsEndpoint, registry, pluginsEndpointWriter);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("plugins")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "pluginsHealthIndicator")
		PluginsHealthIndicator pluginsHealthIndicator(UnifiedPluginRegistry registry,
				ObjectProvider<PluginConfigWatcher> watcher, ObjectProvider<CloudCostGuard> cloudCostGuard) {
			return new PluginsHealthIndicator(registry, watcher.getIfAvailable(), cloudCostGuard.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, PluginInspector.class })
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PluginsMetrics pluginsMetrics(UnifiedPluginRegistry registry, PluginInspector pluginInspector,
				ObjectProvider<PluginManagerRegistrar> registrar) {
			// Categories become gauge tags, so managers must be registered before binding.
			registrar.getIfAvailable();
			return new PluginsMetrics(registry, pluginInspector, Duration.ofSeconds(5));
		}

	}

}
