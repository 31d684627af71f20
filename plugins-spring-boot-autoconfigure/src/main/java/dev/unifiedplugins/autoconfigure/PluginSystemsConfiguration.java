package dev.unifiedplugins.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ThisProcess;
import dev.unifiedplugins.registration.PluginManagerRegistrar;
import dev.unifiedplugins.registration.PluginSystemDeclaration;
import dev.unifiedplugins.registration.PluginSystemsLoader;
import dev.unifiedplugins.registration.PluginSystemsRegistrar;
import dev.unifiedplugins.systems.PluginLifecycle;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Plugin systems declared by {@code plugins.systems.<category>.*} properties, and the
 * {@link PluginLifecycle} that loads the plugins of ready-made managers and watches their
 * directories of JARs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PluginSystemsProperties.class)
class PluginSystemsConfiguration {

	@Bean
	PluginSystemsRegistrar pluginSystemsRegistrar(PluginManagerRegistrar pluginManagerRegistrar,
			PluginSystemsProperties properties, ListableBeanFactory beanFactory, ResourceLoader resourceLoader) {
		ClassLoader classLoader = (resourceLoader.getClassLoader() != null) ? resourceLoader.getClassLoader()
				: PluginSystemsConfiguration.class.getClassLoader();
		return new PluginSystemsRegistrar(pluginManagerRegistrar, declarations(properties), beanFactory, classLoader);
	}

	/**
	 * The lifecycle, which also asks each loaded plugin to validate every save of its
	 * configuration, bounded by {@code plugins.resource-timeout}.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	PluginLifecycle pluginLifecycle(UnifiedPluginRegistry registry, PluginsProperties properties,
			AppliedRevisions appliedRevisions) {
		return new PluginLifecycle(registry,
				PluginsAutoConfiguration.requirePositive(properties.getResourceTimeout(), "plugins.resource-timeout"),
				appliedRevisions);
	}

	/**
	 * With the file store, the instances do not see each other: each knows what it applied
	 * itself, under its default name ({@code <host name>:<process id>}). The JDBC store's
	 * are shared, see {@link JdbcStoreConfiguration}.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "plugins.store-type", havingValue = "file", matchIfMissing = true)
	AppliedRevisions localAppliedRevisions() {
		return new LocalAppliedRevisions(ThisProcess.name());
	}

	@Bean
	PluginSystemsLoader pluginSystemsLoader(UnifiedPluginRegistry registry, PluginLifecycle pluginLifecycle,
			PluginSystemsProperties properties, PluginsProperties pluginsProperties,
			PluginSystemsRegistrar pluginSystemsRegistrar) {
		// The registrar is a parameter so that the categories exist before loading.
		Duration watchInterval = PluginsAutoConfiguration.requirePositive(
				pluginsProperties.getWatch().getRescanInterval(), "plugins.watch.rescan-interval");
		return new PluginSystemsLoader(registry, pluginLifecycle, declarations(properties), watchInterval);
	}

	/** The declared plugin systems by category, in the order of the properties. */
	private static Map<String, PluginSystemDeclaration> declarations(PluginSystemsProperties properties) {
		Map<String, PluginSystemDeclaration> declarations = new LinkedHashMap<>();
		properties.getSystems()
			.forEach((category, system) -> declarations.put(category, new PluginSystemDeclaration(system.getType(),
					system.isServiceLoader(), system.getDirectory(), system.isLoadOnStart(), system.isWatch())));
		return Collections.unmodifiableMap(declarations);
	}

}
