package dev.unifiedplugins.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
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
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

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

	private static final String SPRING_SECURITY = "org.springframework.security.web.SecurityFilterChain";

	private static final Log logger = LogFactory.getLog(PluginsEndpointAutoConfiguration.class);

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
				UnifiedPluginRegistry registry, PluginsEndpointWriter pluginsEndpointWriter,
				ObjectProvider<EndpointAccessResolver> access, Environment environment) {
			warnOfOpenWrites(endpointAccess(access), environment);
			return new PluginsEndpointWebExtension(pluginsEndpoint, registry, pluginsEndpointWriter);
		}

		/**
		 * The writes have no security of their own: open, without Spring Security, on an
		 * address other hosts reach, anyone there may change configurations and stop paid
		 * resources. Said once, at start; a deliberate set-up (a trusted network, a proxy
		 * that authenticates) may go on.
		 */
		static void warnOfOpenWrites(Access access, Environment environment) {
			if (access != Access.UNRESTRICTED || ClassUtils.isPresent(SPRING_SECURITY, null)) {
				return;
			}
			// Boot's own rule: a management port of its own (not -1, not the server's) has an address of its own.
			String property = (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT)
					? "management.server.address" : "server.address";
			String address = environment.getProperty(property);
			if (!isLoopback(address)) {
				logger.warn("management.endpoint.plugins.access=unrestricted, without Spring Security, on "
						+ ((address != null) ? property + "=" + address : "every address (" + property + " is not set)")
						+ ": anyone who reaches it can change plugin configurations and stop cloud resources;"
						+ " bind it to 127.0.0.1 or secure the actuator");
			}
		}

		private static boolean isLoopback(@Nullable String address) {
			if (address == null || address.isBlank()) {
				return false;
			}
			try {
				return InetAddress.getByName(address.trim()).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
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
