package dev.unifiedplugins.autoconfigure;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.PluginLifecycle;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Plugin systems declared by {@code plugins.systems.<category>.*} properties, and the
 * {@link PluginLifecycle} that loads the plugins of ready-made managers.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PluginSystemsProperties.class)
class PluginSystemsConfiguration {

	@Bean
	PluginSystemsRegistrar pluginSystemsRegistrar(PluginManagerRegistrar pluginManagerRegistrar,
			PluginSystemsProperties properties, ListableBeanFactory beanFactory, ResourceLoader resourceLoader) {
		ClassLoader classLoader = (resourceLoader.getClassLoader() != null) ? resourceLoader.getClassLoader()
				: PluginSystemsConfiguration.class.getClassLoader();
		return new PluginSystemsRegistrar(pluginManagerRegistrar, properties, beanFactory, classLoader);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	PluginLifecycle pluginLifecycle(UnifiedPluginRegistry registry) {
		return new PluginLifecycle(registry);
	}

	@Bean
	PluginSystemsLoader pluginSystemsLoader(UnifiedPluginRegistry registry, PluginLifecycle pluginLifecycle,
			PluginSystemsProperties properties, PluginSystemsRegistrar pluginSystemsRegistrar) {
		// The registrar is a parameter so that the categories exist before loading.
		return new PluginSystemsLoader(registry, pluginLifecycle, properties);
	}

}
