package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.sample.transcription.Schemas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page under the endpoint's default {@code show-values=never}, with one plugin
 * in one category whose schema has a field of every kind: text, number, check box, choice,
 * a nested object and a list, each with a default. A saved value is hidden as an empty
 * field saying so, never as the default: the page must not show "Hello" where "Bonjour" is
 * saved. A default, where nothing is saved, is shown as it is what applies. A save keeps
 * what it did not change, and writes what was changed, even to the default.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Browser.Installed.class)
class HiddenValuesEveryFieldKindTests {

	private static final String GREETER = "greeting_polite";

	private static final String HIDDEN = "Saved value hidden";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StartedSample sample;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		// Not the sample's application.yml: only this plugin, so that every count is one.
		sample = StartedSample.start("plugins-hidden-kinds-test", new SpringApplicationBuilder(GreeterApplication.class),
				"--spring.config.name=hidden-kinds", "--server.address=127.0.0.1", "--plugins.ui.enabled=true",
				"--management.endpoints.web.exposure.include=plugins",
				"--management.endpoint.plugins.access=unrestricted",
				"--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				Browser.QUIET_SELENIUM);
		browser = Browser.open(1280, 1200);
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, browser);
	}

	@Test
	@Order(1)
	void withNothingSavedTheFormShowsTheDefaultsAndNothingIsSaidHidden() {
		open();
		assertThat(browser.byId("summary").getText()).startsWith("1 plugin in 1 category · 0 configured · ");
		assertThat(text()).doesNotContainIgnoringCase(HIDDEN).doesNotContain("show-values");
		assertThat(browser.byId("hidden-note").isDisplayed()).isFalse();
		assertThat(browser.field("greeting").getDomProperty("value")).isEqualTo("Hello");
		assertThat(browser.field("retries").getDomProperty("value")).isEqualTo("3");
		assertThat(new Select(browser.field("style][tone")).getFirstSelectedOption().getText()).isEqualTo("warm");
		assertThat(browser.<Long>script(
				"return document.querySelectorAll('#form [placeholder=\"Saved value hidden\"]').length")).isZero();
		assertThat(browser.<Boolean>script(
				"return Array.from(document.querySelectorAll('#form option')).some((o) => /hidden/i.test(o.text))"))
			.isFalse();
		assertThat(checkbox("loud").getDomProperty("indeterminate")).isEqualTo("false");
		browser.screenshot("15-nothing-saved");
	}

	@Test
	@Order(2)
	void aSavedValueIsAnEmptyFieldSayingItIsHiddenNeverTheDefault() {
		registry().savePluginConfig(GREETER,
				Map.of("greeting", "Bonjour", "retries", 5, "loud", true, "style", Map.of("tone", "formal"), "phrases",
						List.of("Salut", "Coucou"), "api_key", "k_SECRET"));
		open();
		assertThat(browser.byId("summary").getText()).startsWith("1 plugin in 1 category · 1 configured · ");
		String text = text();
		assertThat(text).doesNotContain("Bonjour", "Salut", "k_SECRET");
		// Once, at the top: why values are hidden, and which property shows them.
		assertThat(browser.byId("hidden-note").isDisplayed()).isTrue();
		assertThat(text.split("management\\.endpoint\\.plugins\\.show-values", -1)).hasSize(2);
		assertThat(text.indexOf("management.endpoint.plugins.show-values")).isLessThan(text.indexOf("Greeting"));

		// Text, number and secret: empty, with a placeholder.
		for (String name : List.of("greeting", "retries", "api_key")) {
			assertThat(browser.field(name).getDomProperty("value")).as(name).isEmpty();
			assertThat(browser.field(name).getDomAttribute("placeholder")).as(name).isEqualTo(HIDDEN);
			assertThat(browser.field(name).getDomAttribute("aria-describedby")).as(name).contains("hidden-note");
		}
		// A choice, in a nested object: an option that says so, and cannot be chosen again.
		Select tone = new Select(browser.field("style][tone"));
		assertThat(tone.getFirstSelectedOption().getText()).isEqualTo(HIDDEN);
		assertThat(tone.getFirstSelectedOption().isEnabled()).isFalse();
		// A check box: neither checked nor unchecked, and a note.
		assertThat(checkbox("loud").getDomProperty("indeterminate")).isEqualTo("true");
		assertThat(noteOf("root.loud")).isEqualTo(HIDDEN);
		// A list: no items, and a note saying how many are hidden.
		assertThat(browser.driver().findElements(By.cssSelector("[data-schemapath^='root.phrases.']")))
			.noneMatch(WebElement::isDisplayed);
		assertThat(noteOf("root.phrases")).isEqualTo(HIDDEN + " (2 items)");

		// Nothing saved there: the defaults, which apply, and no word of a hidden value.
		assertThat(browser.field("farewell").getDomProperty("value")).isEqualTo("Bye");
		assertThat(browser.field("farewell").getDomAttribute("placeholder")).isNull();
		assertThat(new Select(browser.field("style][emoji")).getFirstSelectedOption().getText()).isEqualTo("true");
		// The defaults of the hidden fields are nowhere.
		assertThat(browser.<List<String>>script("return Array.from(document.querySelectorAll('#form input, #form select'))"
				+ ".filter((e) => e.checkVisibility()).map((e) => e.value)"))
			.doesNotContain("Hello", "3", "warm", "Hi");
		assertThat(browser.<Long>script("return document.querySelectorAll('#form .masked-note').length"))
			.isEqualTo(2);
		browser.screenshot("16-hidden-values-of-every-kind");
	}

	@Test
	@Order(3)
	void savingAnotherFieldKeepsTheHiddenValuesAndWritesNoDefault() throws Exception {
		open();
		browser.type("farewell", "Au revoir");
		save();
		assertThat(saved()).isEqualTo(json.readTree("""
				{"greeting": "Bonjour", "retries": 5, "loud": true, "style": {"tone": "formal"},
				 "phrases": ["Salut", "Coucou"], "api_key": "k_SECRET", "farewell": "Au revoir"}"""));
		// Shown again after the save: hidden, as it is saved now.
		assertThat(browser.field("farewell").getDomProperty("value")).isEmpty();
		assertThat(browser.field("farewell").getDomAttribute("placeholder")).isEqualTo(HIDDEN);
		assertThat(browser.field("greeting").getDomProperty("value")).isEmpty();
	}

	@Test
	@Order(4)
	void whatIsTypedOrChosenInAHiddenFieldIsSavedEvenTheDefault() throws Exception {
		open();
		browser.type("greeting", "Hallo");
		// The default, which the form library held for the field while it showed it hidden.
		new Select(browser.field("style][tone")).selectByVisibleText("warm");
		checkbox("loud").click();
		checkbox("loud").click();
		save();
		assertThat(saved()).isEqualTo(json.readTree("""
				{"greeting": "Hallo", "retries": 5, "loud": false, "style": {"tone": "warm"},
				 "phrases": ["Salut", "Coucou"], "api_key": "k_SECRET", "farewell": "Au revoir"}"""));
	}

	private static UnifiedPluginRegistry registry() {
		return sample.context().getBean(UnifiedPluginRegistry.class);
	}

	private static JsonNode saved() throws IOException {
		return json.readTree(Files.readString(sample.configDir().resolve(GREETER + ".json")));
	}

	private static void open() {
		browser.openSettings(sample.baseUrl(), GREETER);
	}

	private static void save() {
		String before = browser.byId("settings").getDomAttribute("data-ready");
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision ")
				&& !before.equals(browser.byId("settings").getDomAttribute("data-ready")));
	}

	private static String text() {
		return browser.script("return document.body.innerText");
	}

	private static WebElement checkbox(String path) {
		return browser.driver().findElement(By.cssSelector("[data-schemapath='root." + path + "'] input[type=checkbox]"));
	}

	private static String noteOf(String schemaPath) {
		return browser.driver()
			.findElement(By.cssSelector("[data-schemapath='" + schemaPath + "'] > .masked-note"))
			.getText();
	}

	/**
	 * One plugin system with one plugin, whose settings have a field of every kind. No
	 * {@code @Configuration}, so that the sample's component scan in other tests passes it by.
	 */
	@EnableAutoConfiguration
	static class GreeterApplication {

		@Bean
		PluginManager greetingPluginManager() {
			Map<String, Object> schema = Schemas.object("Polite greeter", "Greets, and says goodbye.", Schemas.ordered(
					"greeting", Schemas.ordered("type", "string", "title", "Greeting", "default", "Hello"),
					"farewell", Schemas.ordered("type", "string", "title", "Farewell", "default", "Bye"),
					"retries", Schemas.ordered("type", "integer", "title", "Retries", "minimum", 0, "default", 3),
					"loud", Schemas.ordered("type", "boolean", "title", "Loud", "format", "checkbox", "default", false),
					"style", Schemas.ordered("type", "object", "title", "Style", "properties", Schemas.ordered(
							"tone", Schemas.ordered("type", "string", "title", "Tone", "enum", List.of("warm", "formal"),
									"default", "warm"),
							"emoji", Schemas.ordered("type", "boolean", "title", "Emoji", "default", true))),
					"phrases", Schemas.ordered("type", "array", "title", "Phrases", "items",
							Schemas.ordered("type", "string", "title", "Phrase"), "default", List.of("Hi")),
					"api_key", Schemas.ordered("type", "string", "title", "API key", "writeOnly", true)));
			return new PluginManager() {

				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("polite").title("Polite greeter").configSchema(schema).build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return Optional.empty();
				}

				@Override
				public String category() {
					return "greeting";
				}

			};
		}

	}

}
