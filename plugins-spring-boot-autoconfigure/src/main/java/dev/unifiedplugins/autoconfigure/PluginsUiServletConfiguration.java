package dev.unifiedplugins.autoconfigure;

import java.net.URI;
import java.util.Optional;

import dev.unifiedplugins.ui.PluginsSettingsPage;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The settings page on Spring MVC: a {@link RouterFunction}, which Spring Boot maps with
 * the application's other routes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
class PluginsUiServletConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pluginsSettingsPageRouterFunction")
	RouterFunction<ServerResponse> pluginsSettingsPageRouterFunction(PluginsSettingsPage page) {
		String path = page.path();
		RouterFunctions.Builder routes = RouterFunctions.route()
			.GET(path,
					(request) -> ServerResponse.status(HttpStatus.FOUND)
						.location(URI.create(page.redirect()))
						.headers(PluginsSettingsPage::secure)
						.build())
			.GET(path + "/settings.json",
					(request) -> ServerResponse.ok()
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.noStore())
						.headers(PluginsSettingsPage::secure)
						.body(page.settings()));
		Resource editor = page.editorFiles();
		if (editor != null) {
			routes.resources(path + "/lib/**", editor, PluginsSettingsPage::fileHeaders);
		}
		// As resources, not a handler: GET and HEAD, conditional requests and ranges alike.
		return routes
			.resources((request) -> RequestPredicates.path(path + "/").test(request) ? Optional.of(page.index()) : Optional.empty(),
					PluginsSettingsPage::fileHeaders)
			.resources(path + "/**", page.files(), PluginsSettingsPage::fileHeaders)
			.build();
	}

}
