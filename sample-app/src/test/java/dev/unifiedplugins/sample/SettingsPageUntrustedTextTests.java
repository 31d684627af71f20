package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page with text it must not trust: a plugin whose schema holds markup and
 * script in its titles and descriptions, at every level, shows them as text and runs
 * none of them; and a hidden secret whose destination changes is asked for again.
 */
@ExtendWith(Browser.Installed.class)
class SettingsPageUntrustedTextTests {

	private static final String HOSTILE = "untrusted_hostile";

	private static final String SECRETS = "untrusted_secrets";

	/** Sets the flag and the document's title, and counts, when it runs. */
	private static final String IMG = "<img src=x onerror=\"window.__pwned=(window.__pwned||0)+1;document.title='pwned'\">";

	private static final String SCRIPT = "</script><script>window.__pwned=(window.__pwned||0)+1;document.title='pwned'</script>";

	private static final String SECRET = "tok_SECRET_untrusted";

	private static StartedSample sample;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-untrusted-test",
				(configDir) -> Files.writeString(configDir.resolve(SECRETS + ".json"), """
						{"url": "https://models.example.com", "timeout": 10,
						 "auth": {"user": "ops", "token": "%s"},
						 "mirror": {"host": "mirror.example.com"}}""".formatted(SECRET)),
				StartedSample.sample(UntrustedSchemaConfiguration.class), Browser.QUIET_SELENIUM,
				"--sample.transcription.worker.enabled=false", "--management.endpoint.plugins.show-values=always");
		browser = Browser.open(1280, 1000);
		// Before any script of the page: what its Content-Security-Policy refuses.
		browser.onNewDocument("window.__violations = []; document.addEventListener('securitypolicyviolation', "
				+ "(e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));");
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, browser);
	}

	@Test
	void schemaTitlesAndDescriptionsAreShownAsTextAndRunNothing() throws InterruptedException {
		open(HOSTILE);
		// Time for an image that failed to load to have fired its error handler.
		browser.await("the form's images to have failed",
				(driver) -> Boolean.TRUE.equals(browser.script("return document.readyState === 'complete'")));
		Thread.sleep(500);

		assertThat((Object) browser.script("return window.__pwned")).isNull();
		assertThat(browser.driver().getTitle()).isEqualTo("Plugins");
		assertThat((Long) browser.script("return document.querySelectorAll('img, script:not([src]), iframe').length"))
			.isZero();

		// The root's own title and description are in the form, hidden: they repeat the plugin's.
		String all = browser.script("return document.getElementById('form').textContent");
		assertThat(all).contains("Top " + IMG + " Top " + SCRIPT).contains("Top says " + IMG);
		String form = browser.driver().findElement(By.id("form")).getText();
		for (String where : List.of("Property", "Nested", "Inner", "List")) {
			assertThat(form).as(where + " title").contains(where + " " + IMG).contains(where + " " + SCRIPT);
		}
		for (String where : List.of("Property", "Nested", "Inner", "List")) {
			assertThat(form).as(where + " description").contains(where + " says " + IMG);
		}
		assertThat(form).as("item title").contains("Item " + IMG);
		assertThat(form).as("enum title").contains("Choice " + IMG);
		assertThat(browser.driver().findElement(By.id("details-title")).getText()).isEqualTo("Hostile " + IMG);
		assertThat(browser.driver().findElement(By.id("details-description")).getText())
			.isEqualTo("Plugin says " + SCRIPT);

		// The form library's style rules apply without inline styles, and nothing was refused.
		assertThat((String) browser.script("return getComputedStyle(document.querySelector('.je-form-input-label'))"
				+ ".display")).isEqualTo("block");
		List<String> violations = browser.script("return window.__violations");
		assertThat(violations).isEmpty();
		browser.screenshot("14-untrusted-text");
	}

	@Test
	void aHiddenSecretIsAskedForAgainWhenWhereItGoesChanges() {
		open(SECRETS);
		WebElement token = field("auth][token");
		assertThat(token.getDomProperty("value")).isEmpty();
		assertThat(resendNotes()).isEmpty();

		// Neither a field that says nothing of where data goes, nor one in another object.
		type("timeout", "20");
		type("mirror][host", "other.example.com");
		assertThat(resendNotes()).isEmpty();

		type("url", "https://elsewhere.example.com");
		browser.await("the note", (driver) -> resendNotes().size() == 1);
		WebElement note = resendNotes().get(0);
		assertThat(note.getText()).startsWith("Type this secret again: ").contains("Models URL");
		assertThat(note.findElement(By.xpath("ancestor::div[@data-schemapath][1]")).getDomAttribute("data-schemapath"))
			.isEqualTo("root.auth.token");
		assertThat(token.getDomAttribute("aria-describedby")).contains(note.getDomAttribute("id"));

		// Typed again: nothing masked is sent, so no note.
		type("auth][token", "tok_new");
		browser.await("no note", (driver) -> resendNotes().isEmpty());
		type("auth][token", "");
		field("auth][token").sendKeys(Keys.TAB);
		browser.await("the note again", (driver) -> resendNotes().size() == 1);

		// The destination back as it was: the saved secret may stay.
		type("url", "https://models.example.com");
		browser.await("no note", (driver) -> resendNotes().isEmpty());
	}

	private static List<WebElement> resendNotes() {
		return browser.driver().findElements(By.cssSelector("#form .resend-note"));
	}

	private static void open(String id) {
		browser.openSettings(sample.baseUrl(), id);
	}

	private static WebElement field(String path) {
		return browser.field(path);
	}

	private static void type(String path, String text) {
		browser.type(path, text);
	}

	/** Two plugins: one with hostile schema text, one with a secret and its destination. */
	@Configuration(proxyBeanMethods = false)
	static class UntrustedSchemaConfiguration {

		private static Map<String, Object> titled(String where, Map<String, Object> schema) {
			Map<String, Object> titled = new LinkedHashMap<>(schema);
			titled.put("title", where + " " + IMG + " " + where + " " + SCRIPT);
			titled.put("description", where + " says " + IMG);
			return titled;
		}

		@Bean
		PluginManager untrustedPluginManager() {
			Map<String, Object> hostile = titled("Top", Map.of("type", "object", "properties", Map.of("device",
					titled("Property",
							Map.of("type", "string", "enum", List.of("cpu", "cuda"), "options",
									Map.of("enum_titles", List.of("Choice " + IMG, "Other " + SCRIPT)))),
					"limits",
					titled("Nested",
							Map.of("type", "object", "properties",
									Map.of("threads", titled("Inner", Map.of("type", "integer", "default", 2))))),
					"servers", titled("List", Map.of("type", "array", "default", List.of("a"), "items",
							Map.of("type", "string", "title", "Item " + IMG))))));
			Map<String, Object> secrets = Map.of("type", "object", "properties",
					Map.of("url", Map.of("type", "string", "title", "Models URL"), "timeout",
							Map.of("type", "integer"), "auth",
							Map.of("type", "object", "properties",
									Map.of("user", Map.of("type", "string"), "token",
											Map.of("type", "string", "writeOnly", true))),
							"mirror", Map.of("type", "object", "properties", Map.of("host", Map.of("type", "string")))));
			return new PluginManager() {

				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(
							PluginDescriptor.builder("hostile")
								.title("Hostile " + IMG)
								.description("Plugin says " + SCRIPT)
								.configSchema(hostile)
								.build(),
							PluginDescriptor.builder("secrets").title("Secrets").configSchema(secrets).build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return Optional.empty();
				}

				@Override
				public String category() {
					return "untrusted";
				}

			};
		}

	}

}
