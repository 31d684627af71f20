package dev.unifiedplugins.autoconfigure;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.ui.PluginsSettingsPage;
import dev.unifiedplugins.ui.PluginsUiRuntimeHints;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the settings page (see {@link PluginsSettingsPage}) in a Spring MVC or Spring WebFlux
 * application, when {@code plugins.ui.enabled=true}. The page only calls the
 * {@code plugins} actuator endpoint, so it needs actuator, and has the endpoint's access
 * and security; and it needs the registry, so {@code plugins.enabled=false} turns it off
 * too.
 */
@AutoConfiguration(after = PluginsEndpointAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty("plugins.ui.enabled")
@ConditionalOnBean(UnifiedPluginRegistry.class)
@EnableConfigurationProperties(PluginsUiProperties.class)
@ImportRuntimeHints(PluginsUiRuntimeHints.class)
@Import({ PluginsUiServletConfiguration.class, PluginsUiReactiveConfiguration.class })
public final class PluginsUiAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PluginsUiAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	PluginsSettingsPage pluginsSettingsPage(PluginsUiProperties properties,
			ObjectProvider<PathMappedEndpoints> pathMappedEndpoints, Environment environment) {
		String path = properties.getPath();
		try {
			PluginsSettingsPage.checkPath(path);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("plugins.ui.path", path, ex.getMessage());
		}
		String unreachable = null;
		if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
			unreachable = "The actuator is served on its own port (management.server.port), which this page, "
					+ "served on the application's port, cannot call";
			logger.warn("plugins.ui: " + unreachable);
		}
		PluginsSettingsPage page = new PluginsSettingsPage(path,
				() -> PluginsEndpointAutoConfiguration.endpointPath(pathMappedEndpoints.getIfAvailable()), unreachable);
		if (page.editorFiles() == null) {
			logger.warn("plugins.ui: the WebJar org.webjars.npm:json-editor__json-editor"
					+ " is not on the class path, so the settings page shows no forms");
		}
		logger.info("plugins.ui: the settings page is served at " + path + "/");
		return page;
	}

}
