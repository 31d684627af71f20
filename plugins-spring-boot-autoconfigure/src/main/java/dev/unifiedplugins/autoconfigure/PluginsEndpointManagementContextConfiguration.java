package dev.unifiedplugins.autoconfigure;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpointBodyFilter;
import dev.unifiedplugins.actuate.PluginsEndpointBodyWebFilter;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;
import org.springframework.web.server.WebFilter;

/**
 * Management context configuration of the {@code plugins} endpoint's write operations: a
 * filter that lets a save carry its configuration as a JSON object. It lives in the
 * management context, so it also serves the endpoint on a separate
 * {@code management.server.port}. The filter looks up the endpoint's path on the first
 * request, so that the web server's start does not create the endpoint beans early.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnAvailableEndpoint(endpoint = PluginsEndpoint.class, exposure = EndpointExposure.WEB)
@ConditionalOnBean({ PluginsEndpointWebExtension.class, PathMappedEndpoints.class })
@EnableConfigurationProperties(PluginsProperties.class)
public class PluginsEndpointManagementContextConfiguration {

	/**
	 * The endpoint's path, or null when its access does not let saves through, which then
	 * reach no filter. The condition above makes sure it is served over the web.
	 */
	private static @Nullable String savePath(ObjectProvider<PathMappedEndpoints> endpoints,
			ObjectProvider<EndpointAccessResolver> access) {
		if (PluginsEndpointAutoConfiguration.endpointAccess(access) != Access.UNRESTRICTED) {
			return null;
		}
		String path = PluginsEndpointAutoConfiguration.endpointPath(endpoints.getObject());
		Assert.state(path != null, "The plugins endpoint has no web path");
		return path;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ FilterRegistrationBean.class, DispatcherServletPath.class })
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "pluginsEndpointBodyFilter")
		FilterRegistrationBean<PluginsEndpointBodyFilter> pluginsEndpointBodyFilter(
				ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<EndpointAccessResolver> access,
				ObjectProvider<DispatcherServletPath> dispatcherServletPath, PluginsProperties properties) {
			return new FilterRegistrationBean<>(new PluginsEndpointBodyFilter(() -> {
				String path = savePath(endpoints, access);
				DispatcherServletPath servletPath = dispatcherServletPath.getIfAvailable();
				return (path != null && servletPath != null) ? servletPath.getRelativePath(path) : path;
			}, PluginsAutoConfiguration.maxConfigSize(properties)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(WebFilter.class)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PluginsEndpointBodyWebFilter pluginsEndpointBodyWebFilter(ObjectProvider<PathMappedEndpoints> endpoints,
				ObjectProvider<EndpointAccessResolver> access, PluginsProperties properties) {
			return new PluginsEndpointBodyWebFilter(() -> savePath(endpoints, access),
					PluginsAutoConfiguration.maxConfigSize(properties));
		}

	}

}
