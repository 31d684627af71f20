package dev.unifiedplugins.autoconfigure;

import java.net.URI;

import dev.unifiedplugins.ui.PluginsSettingsPage;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The settings page on Spring WebFlux: a {@link RouterFunction}, which Spring Boot maps with
 * the application's other routes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
class PluginsUiReactiveConfiguration {

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
						.bodyValue(page.settings()));
		Resource editor = page.editorFiles();
		if (editor != null) {
			routes.resources(path + "/lib/**", editor, PluginsSettingsPage::fileHeaders);
		}
		// As resources, not a handler: GET and HEAD, conditional requests and ranges alike.
		return routes
			.resources((request) -> RequestPredicates.path(path + "/").test(request) ? Mono.just(page.index()) : Mono.empty(),
					PluginsSettingsPage::fileHeaders)
			.resources(path + "/**", page.files(), PluginsSettingsPage::fileHeaders)
			.build();
	}

}
