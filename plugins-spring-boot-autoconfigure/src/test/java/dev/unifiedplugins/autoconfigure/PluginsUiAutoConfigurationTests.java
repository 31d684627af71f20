package dev.unifiedplugins.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.ui.PluginsSettingsPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.actuate.web.WebFluxEndpointManagementContextConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Tests for {@link PluginsUiAutoConfiguration}: the settings page on Spring MVC and Spring
 * WebFlux.
 */
class PluginsUiAutoConfigurationTests {

	private static final AutoConfigurations ACTUATOR = AutoConfigurations.of(PluginsAutoConfiguration.class,
			PluginsEndpointAutoConfiguration.class, PluginsUiAutoConfiguration.class, EndpointAutoConfiguration.class,
			WebEndpointAutoConfiguration.class);

	/** The page's responses, each checked for its security headers. */
	private static final String[] PAGE_PATHS = { "/plugins-ui/", "/plugins-ui/app.js", "/plugins-ui/app.css",
			"/plugins-ui/lib/jsoneditor.js", "/plugins-ui/settings.json" };

	@TempDir
	Path dir;

	private WebApplicationContextRunner servlet() {
		return new WebApplicationContextRunner().withConfiguration(ACTUATOR)
			.withConfiguration(
					AutoConfigurations.of(WebMvcAutoConfiguration.class, DispatcherServletAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "management.endpoints.web.exposure.include=plugins")
			.withBean("transcription", PluginManager.class, () -> PluginsAutoConfigurationTests.manager("whisper"));
	}

	private ReactiveWebApplicationContextRunner reactive() {
		return new ReactiveWebApplicationContextRunner().withConfiguration(ACTUATOR)
			.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "management.endpoints.web.exposure.include=plugins")
			.withBean("transcription", PluginManager.class, () -> PluginsAutoConfigurationTests.manager("whisper"));
	}

	@Test
	void thePageIsOffByDefault() {
		servlet().run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(PluginsSettingsPage.class)
			.doesNotHaveBean("pluginsSettingsPageRouterFunction"));
	}

	@Test
	void aUserDefinedPageAndRoutesAreKept() {
		RouterFunction<ServerResponse> mine = RouterFunctions.route(RequestPredicates.GET("/mine"),
				(request) -> ServerResponse.ok().build());
		servlet().withPropertyValues("plugins.ui.enabled=true")
			.withBean("myPage", PluginsSettingsPage.class,
					() -> new PluginsSettingsPage("/ops/plugins", () -> "/actuator/plugins", null))
			.withBean("pluginsSettingsPageRouterFunction", RouterFunction.class, () -> mine)
			.run((context) -> {
				assertThat(context).hasSingleBean(PluginsSettingsPage.class).hasBean("myPage");
				assertThat(context.getBean(PluginsSettingsPage.class).path()).isEqualTo("/ops/plugins");
				assertThat(context.getBeansOfType(RouterFunction.class)).hasSize(1);
				assertThat(context.getBean("pluginsSettingsPageRouterFunction")).isSameAs(mine);
			});
	}

	@Test
	void thePageNeedsAWebApplication() {
		new ApplicationContextRunner().withConfiguration(ACTUATOR)
			.withPropertyValues("plugins.config-dir=" + this.dir, "plugins.ui.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PluginsSettingsPage.class));
	}

	@Test
	void thePageIsOffWithTheRegistry() {
		servlet().withPropertyValues("plugins.ui.enabled=true", "plugins.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PluginsSettingsPage.class)
				.doesNotHaveBean("pluginsSettingsPageRouterFunction"));
	}

	@Test
	void anIllegalPathFailsTheStartNamingTheProperty() {
		servlet().withPropertyValues("plugins.ui.enabled=true", "plugins.ui.path=/plugins-ui/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.ui.path"));
	}

	@Test
	void springMvcServesThePageTheFormLibraryAndTheSettings() {
		servlet().withPropertyValues("plugins.ui.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(PluginsSettingsPage.class)
				.getBean("pluginsSettingsPageRouterFunction")
				.isInstanceOf(org.springframework.web.servlet.function.RouterFunction.class);
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(get("/plugins-ui"))
				.andExpect(status().isFound())
				.andExpect(header().string("Location", "plugins-ui/"));
			mvc.perform(get("/plugins-ui/"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
				.andExpect(header().string("Cache-Control", "no-cache"))
				.andExpect(content().string(org.hamcrest.Matchers.containsString("<script src=\"app.js\"")));
			mvc.perform(head("/plugins-ui/")).andExpect(status().isOk());
			mvc.perform(get("/plugins-ui/app.js")).andExpect(status().isOk());
			mvc.perform(get("/plugins-ui/lib/jsoneditor.js"))
				.andExpect(status().isOk())
				.andExpect(content().string(org.hamcrest.Matchers.containsString("JSONEditor")));
			mvc.perform(get("/plugins-ui/settings.json"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.endpoint").value("../actuator/plugins"))
				.andExpect(jsonPath("$.exposed").doesNotExist())
				.andExpect(jsonPath("$.access").doesNotExist());
			mvc.perform(get("/plugins-ui/missing.js")).andExpect(status().isNotFound());
		});
	}

	@Test
	void springMvcSendsTheSecurityHeadersWithEveryResponseOfThePage() {
		servlet().withPropertyValues("plugins.ui.enabled=true").run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			for (String path : PAGE_PATHS) {
				mvc.perform(get(path))
					.andExpect(status().is2xxSuccessful())
					.andExpect(header().string("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY))
					.andExpect(header().string("X-Content-Type-Options", "nosniff"))
					.andExpect(header().string("Referrer-Policy", "same-origin"))
					.andExpect(header().string("X-Frame-Options", "DENY"));
			}
			mvc.perform(get("/plugins-ui"))
				.andExpect(status().isFound())
				.andExpect(header().string("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY));
			mvc.perform(head("/plugins-ui/"))
				.andExpect(header().string("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY));
			// The policy allows no inline script or style, and the page has none.
			String html = mvc.perform(get("/plugins-ui/")).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
			assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)")
				.doesNotContainPattern("(?i)\\son[a-z]+\\s*=")
				.doesNotContainPattern("(?i)<style|\\sstyle\\s*=|javascript:");
		});
	}

	@Test
	void springWebFluxSendsTheSecurityHeadersWithEveryResponseOfThePage() {
		reactive().withPropertyValues("plugins.ui.enabled=true").run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			for (String path : PAGE_PATHS) {
				client.get()
					.uri(path)
					.exchange()
					.expectStatus()
					.is2xxSuccessful()
					.expectHeader()
					.valueEquals("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY)
					.expectHeader()
					.valueEquals("X-Content-Type-Options", "nosniff")
					.expectHeader()
					.valueEquals("Referrer-Policy", "same-origin")
					.expectHeader()
					.valueEquals("X-Frame-Options", "DENY");
			}
			client.get()
				.uri("/plugins-ui")
				.exchange()
				.expectStatus()
				.isFound()
				.expectHeader()
				.valueEquals("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY);
		});
	}

	@Test
	void settingsFollowTheActuatorsPathsAndAccess() {
		servlet()
			.withPropertyValues("plugins.ui.enabled=true", "plugins.ui.path=/admin/plugins",
					"management.endpoints.web.base-path=/manage",
					"management.endpoints.web.path-mapping.plugins=extensions",
					"management.endpoint.plugins.access=UNRESTRICTED")
			.run((context) -> MockMvcBuilders.webAppContextSetup(context)
				.build()
				.perform(get("/admin/plugins/settings.json"))
				.andExpect(jsonPath("$.endpoint").value("../../manage/extensions"))
				.andExpect(jsonPath("$.access").doesNotExist()));
	}

	@Test
	void settingsDoNotSayWhetherTheEndpointIsExposed() {
		servlet().withPropertyValues("plugins.ui.enabled=true", "management.endpoints.web.exposure.include=health")
			.run((context) -> MockMvcBuilders.webAppContextSetup(context)
				.build()
				.perform(get("/plugins-ui/settings.json"))
				.andExpect(jsonPath("$.endpoint").value("../actuator/plugins"))
				.andExpect(jsonPath("$.exposed").doesNotExist()));
	}

	@Test
	void settingsSayWhenTheActuatorIsOnAnotherPort() {
		servlet().withPropertyValues("plugins.ui.enabled=true", "management.server.port=0")
			.run((context) -> MockMvcBuilders.webAppContextSetup(context)
				.build()
				.perform(get("/plugins-ui/settings.json"))
				.andExpect(jsonPath("$.unreachable").value(org.hamcrest.Matchers.containsString("management.server.port"))));
	}

	@Test
	void springWebFluxServesThePageTheFormLibraryAndTheSettings() {
		reactive().withPropertyValues("plugins.ui.enabled=true", "management.endpoint.plugins.access=UNRESTRICTED")
			.run((context) -> {
				assertThat(context).getBean("pluginsSettingsPageRouterFunction")
					.isInstanceOf(org.springframework.web.reactive.function.server.RouterFunction.class);
				WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
				client.get()
					.uri("/plugins-ui")
					.exchange()
					.expectStatus()
					.isFound()
					.expectHeader()
					.valueEquals("Location", "plugins-ui/");
				client.get()
					.uri("/plugins-ui/")
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.contentTypeCompatibleWith(MediaType.TEXT_HTML);
				client.head().uri("/plugins-ui/").exchange().expectStatus().isOk();
				client.get().uri("/plugins-ui/app.css").exchange().expectStatus().isOk();
				client.get()
					.uri("/plugins-ui/lib/jsoneditor.js")
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.valueEquals("Cache-Control", "no-cache");
				client.get()
					.uri("/plugins-ui/settings.json")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.jsonPath("$.endpoint")
					.isEqualTo("../actuator/plugins")
					.jsonPath("$.access")
					.doesNotExist();
			});
	}

	@Test
	void theWriteOperationsThePageUsesWorkOnWebFluxToo() {
		reactive()
			.withConfiguration(AutoConfigurations.of(ManagementContextAutoConfiguration.class,
					WebFluxEndpointManagementContextConfiguration.class))
			.withPropertyValues("plugins.ui.enabled=true", "management.endpoint.plugins.access=UNRESTRICTED")
			.run((context) -> {
				WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
				// How the page learns that the endpoint takes writes.
				client.options()
					.uri("/actuator/plugins/transcription_whisper")
					.exchange()
					.expectStatus()
					.isOk()
					.expectHeader()
					.value("Allow", (allow) -> assertThat(allow).contains("POST"));
				client.post()
					.uri("/actuator/plugins/transcription_whisper")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"config\": \"{\\\"model\\\": \\\"base\\\"}\", \"revision\": \"\"}")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.jsonPath("$.configured")
					.isEqualTo(true)
					.jsonPath("$.revision")
					.isNotEmpty();
				assertThat(this.dir.resolve("transcription_whisper.json")).exists();
				client.post()
					.uri("/actuator/plugins/transcription_whisper")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"config\": \"{}\", \"revision\": \"\"}")
					.exchange()
					.expectStatus()
					.isEqualTo(409);
				client.delete().uri("/actuator/plugins/transcription_whisper").exchange().expectStatus().isOk();
				client.delete()
					.uri("/actuator/plugins/transcription_whisper/resources")
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody()
					.jsonPath("$.cleanedUp")
					.isEqualTo(false);
				assertThat(this.dir.resolve("transcription_whisper.json")).doesNotExist();
			});
	}

}
