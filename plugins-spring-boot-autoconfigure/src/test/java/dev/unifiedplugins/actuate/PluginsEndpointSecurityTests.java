package dev.unifiedplugins.actuate;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write operations and the settings page under Spring Security, configured as
 * docs/endpoint.md shows: viewers read, only admins write, and writes need the CSRF token
 * the page sends from its cookie.
 */
class PluginsEndpointSecurityTests {

	private static final String ID = "stt_whisper";

	@TempDir
	Path dir;

	private ConfigurableApplicationContext context;

	private String base;

	@BeforeEach
	void start() {
		this.context = new SpringApplicationBuilder(SecuredApplication.class).web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + this.dir,
					"--management.endpoints.web.exposure.include=health,plugins",
					"--management.endpoint.plugins.access=unrestricted", "--plugins.ui.enabled=true",
					"--spring.main.banner-mode=off");
		this.base = "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void anonymousUsersSeeNothing() throws Exception {
		Client anonymous = new Client(null);
		assertThat(anonymous.send("GET", "/actuator/plugins", null, false).statusCode()).isEqualTo(401);
		assertThat(anonymous.send("GET", "/plugins-ui/", null, false).statusCode()).isEqualTo(401);
		assertThat(anonymous.send("GET", "/actuator/health", null, false).statusCode()).isEqualTo(200);
	}

	@Test
	void viewersReadButMayNotWrite() throws Exception {
		Client viewer = new Client("viewer");
		assertThat(viewer.send("GET", "/plugins-ui/", null, false).statusCode()).isEqualTo(200);
		assertThat(viewer.send("GET", "/actuator/plugins/" + ID, null, false).statusCode()).isEqualTo(200);
		assertThat(viewer.send("POST", "/actuator/plugins/" + ID, "{\"config\": \"{}\"}", true).statusCode())
			.isEqualTo(403);
		assertThat(viewer.send("DELETE", "/actuator/plugins/" + ID + "/resources", null, true).statusCode())
			.isEqualTo(403);
		assertThat(Files.exists(this.dir.resolve(ID + ".json"))).isFalse();
	}

	@Test
	void adminsWriteWithTheCsrfTokenFromTheCookie() throws Exception {
		Client admin = new Client("admin");
		// Loading the page sets the XSRF-TOKEN cookie, which the page sends back as a header.
		assertThat(admin.send("GET", "/plugins-ui/", null, false).statusCode()).isEqualTo(200);
		assertThat(admin.csrfToken()).isNotBlank();

		HttpResponse<String> withoutToken = admin.send("POST", "/actuator/plugins/" + ID,
				"{\"config\": {\"device\": \"cuda\"}}", false);
		assertThat(withoutToken.statusCode()).isEqualTo(403);
		assertThat(Files.exists(this.dir.resolve(ID + ".json"))).isFalse();

		HttpResponse<String> withToken = admin.send("POST", "/actuator/plugins/" + ID,
				"{\"config\": {\"device\": \"cuda\"}}", true);
		assertThat(withToken.statusCode()).isEqualTo(200);
		assertThat(Files.readString(this.dir.resolve(ID + ".json"))).contains("\"device\": \"cuda\"");

		assertThat(admin.send("DELETE", "/actuator/plugins/" + ID, null, true).statusCode()).isEqualTo(200);
		assertThat(Files.exists(this.dir.resolve(ID + ".json"))).isFalse();
	}

	/** An HTTP client with a user's basic credentials and its own cookies. */
	private final class Client {

		private final CookieManager cookies = new CookieManager();

		private final HttpClient http = HttpClient.newBuilder().cookieHandler(this.cookies).build();

		private final String user;

		Client(String user) {
			this.user = user;
		}

		String csrfToken() {
			return this.cookies.getCookieStore()
				.getCookies()
				.stream()
				.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
				.map(HttpCookie::getValue)
				.findFirst()
				.orElse(null);
		}

		HttpResponse<String> send(String method, String path, String body, boolean withCsrfToken) throws Exception {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(PluginsEndpointSecurityTests.this.base + path))
				.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
						: HttpRequest.BodyPublishers.noBody());
			if (body != null) {
				request.header("Content-Type", "application/json");
			}
			if (this.user != null) {
				request.header("Authorization", "Basic " + Base64.getEncoder()
					.encodeToString((this.user + ":" + this.user + "-password").getBytes(StandardCharsets.UTF_8)));
			}
			if (withCsrfToken) {
				if (csrfToken() == null) {
					send("GET", "/plugins-ui/", null, false);
				}
				request.header("X-XSRF-TOKEN", csrfToken());
			}
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SecuredApplication {

		@Bean
		PluginManager sttPluginManager() {
			return new TestPluginManager(PluginDescriptor.builder("whisper")
				.configSchema(Map.of("type", "object", "properties", Map.of("device", Map.of("type", "string"))))
				.build()) {

				@Override
				public String category() {
					return "stt";
				}

			};
		}

		// As in the "Security" section of docs/endpoint.md.
		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			http.authorizeHttpRequests((requests) -> requests
				.requestMatchers(EndpointRequest.to("health")).permitAll()
				.requestMatchers(EndpointRequest.to("plugins").withHttpMethod(HttpMethod.GET))
				.hasAnyRole("PLUGINS_VIEWER", "PLUGINS_ADMIN")
				.requestMatchers(EndpointRequest.to("plugins")).hasRole("PLUGINS_ADMIN")
				.requestMatchers("/plugins-ui/**").hasAnyRole("PLUGINS_VIEWER", "PLUGINS_ADMIN")
				.requestMatchers("/error").permitAll()
				.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.spa());
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("viewer").password("{noop}viewer-password").roles("PLUGINS_VIEWER").build(),
					User.withUsername("admin").password("{noop}admin-password").roles("PLUGINS_ADMIN").build());
		}

	}

}
