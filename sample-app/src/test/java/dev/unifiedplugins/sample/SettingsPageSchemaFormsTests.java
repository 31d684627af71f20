package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page's forms for a draft 2020-12 schema with what the sample's schemas lack:
 * {@code $defs} and {@code $ref}, nested objects, arrays of objects, and a write-only field
 * below the top level.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Browser.Installed.class)
class SettingsPageSchemaFormsTests {

	private static final String ID = "forms_rich";

	private static final String PASSWORD = "pw_SECRET_nested";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StartedSample sample;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-forms-test", StartedSample.sample(RichSchemaConfiguration.class),
				Browser.QUIET_SELENIUM, "--sample.transcription.worker.enabled=false",
				"--management.endpoint.plugins.show-values=always");
		browser = Browser.open(1280, 1000);
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, browser);
	}

	@Test
	@Order(1)
	void nestedObjectsAndReferencedTypesGetLabelledFieldsWithTheirDefaults() {
		open();
		assertThat(new Select(field("mode")).getFirstSelectedOption().getText()).isEqualTo("fast");
		assertThat(field("limits][threads").getDomProperty("value")).isEqualTo("4");
		assertThat(field("limits][memory").getDomProperty("value")).isEqualTo("512M");
		// From "$ref": "#/$defs/Server".
		assertThat(field("primary][host").getDomProperty("value")).isEqualTo("localhost");
		assertThat(field("primary][port").getDomProperty("value")).isEqualTo("8080");
		assertThat(field("login][password").getDomAttribute("type")).isEqualTo("password");
		List<String> unlabelled = browser.script("return Array.from(document.querySelectorAll('#form input, #form select'))"
				+ ".filter((e) => e.offsetParent !== null && !(e.labels && e.labels.length))"
				+ ".filter((e) => !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))"
				+ ".map((e) => e.name)");
		assertThat(unlabelled).isEmpty();
	}

	@Test
	@Order(2)
	void arrayItemsAreAddedWithTheReferencedTypesDefaults() {
		open();
		addServer();
		assertThat(field("servers][0][host").getDomProperty("value")).isEqualTo("localhost");
		assertThat(field("servers][0][port").getDomProperty("value")).isEqualTo("8080");
		browser.screenshot("12-nested-form");
	}

	@Test
	@Order(3)
	void violationsBelowTheTopLevelAppearNextToTheirFields() {
		open();
		addServer();
		type("limits][threads", "100");
		type("servers][0][port", "0");
		browser.driver().findElement(By.id("save")).click();
		browser.await("violations", (driver) -> driver.findElements(By.cssSelector("#form .violation")).size() == 2);

		assertThat(violationNextTo("limits][threads")).contains("64");
		assertThat(violationNextTo("servers][0][port")).contains("1");
		assertThat(sample.configDir().resolve(ID + ".json")).doesNotExist();
	}

	@Test
	@Order(4)
	void aNestedConfigurationIsSavedAsTheSchemaShapesIt() throws Exception {
		open();
		new Select(field("mode")).selectByValue("accurate");
		type("limits][threads", "8");
		addServer();
		type("servers][0][host", "gpu-1");
		type("login][user", "ops");
		type("login][password", PASSWORD);
		save();

		assertThat(json.readTree(Files.readString(sample.configDir().resolve(ID + ".json")))).isEqualTo(json.readTree("""
				{"mode": "accurate", "limits": {"threads": 8, "memory": "512M"},
				 "primary": {"host": "localhost", "port": 8080},
				 "servers": [{"host": "gpu-1", "port": 8080}],
				 "login": {"user": "ops", "password": "%s"}}""".formatted(PASSWORD)));
	}

	@Test
	@Order(5)
	void aNestedSecretIsNeverShownAndKeptWhenLeftUnchanged() throws Exception {
		open();
		assertThat(browser.driver().getPageSource()).doesNotContain(PASSWORD);
		assertThat(field("login][password").getDomProperty("value")).isEmpty();
		assertThat(field("login][user").getDomProperty("value")).isEqualTo("ops");
		assertThat(field("servers][0][host").getDomProperty("value")).isEqualTo("gpu-1");

		type("servers][0][host", "gpu-2");
		save();
		String saved = Files.readString(sample.configDir().resolve(ID + ".json"));
		assertThat(saved).contains("\"password\": \"" + PASSWORD + "\"").contains("gpu-2").doesNotContain("******");
	}

	@Test
	@Order(6)
	void aCorruptFileIsShownAsAnErrorAndASaveReplacesIt() throws Exception {
		Files.writeString(sample.configDir().resolve(ID + ".json"), "{\"mode\": \"fast\", broken");
		open();
		WebElement error = browser.driver().findElement(By.id("details-error"));
		assertThat(error.isDisplayed()).isTrue();
		assertThat(error.getText()).startsWith("Error: config: ").contains(ID + ".json").doesNotContain("broken");
		assertThat(new Select(field("mode")).getFirstSelectedOption().getText()).isEqualTo("fast");
		browser.screenshot("13-corrupt-file");

		save();
		assertThat(json.readTree(Files.readString(sample.configDir().resolve(ID + ".json"))).get("mode").asString())
			.isEqualTo("fast");
		browser.await("the error gone", (driver) -> !driver.findElement(By.id("details-error")).isDisplayed());
	}

	private static void open() {
		browser.openSettings(sample.baseUrl(), ID);
	}

	private static void save() {
		browser.driver().findElement(By.id("save")).click();
		browser.await("saved",
				(driver) -> driver.findElement(By.id("message")).getText().startsWith("Saved (revision "));
	}

	private static void addServer() {
		int before = browser.driver().findElements(By.cssSelector("[data-schemapath^='root.servers.']")).size();
		browser.driver()
			.findElement(By.cssSelector("[data-schemapath='root.servers'] .json-editor-btn-add"))
			.click();
		browser.await("a new server", (driver) -> driver
			.findElements(By.cssSelector("[data-schemapath^='root.servers.']")).size() > before);
	}

	private static WebElement field(String path) {
		return browser.field(path);
	}

	private static void type(String path, String text) {
		browser.type(path, text);
	}

	private static String violationNextTo(String path) {
		return field(path).findElement(By.xpath("ancestor::div[@data-schemapath][1]"))
			.findElement(By.cssSelector(".violation"))
			.getText();
	}

	/** A plugin whose schema has $defs, references, nested objects and arrays. */
	@Configuration(proxyBeanMethods = false)
	static class RichSchemaConfiguration {

		@Bean
		PluginManager formsPluginManager() {
			Map<String, Object> server = Map.of("type", "object", "properties",
					Map.of("host", Map.of("type", "string", "default", "localhost"), "port",
							Map.of("type", "integer", "minimum", 1, "maximum", 65535, "default", 8080)),
					"required", List.of("host", "port"));
			Map<String, Object> schema = Map.of("$schema", "https://json-schema.org/draft/2020-12/schema", "title",
					"Rich", "type", "object", "$defs", Map.of("Server", server), "properties",
					Map.of("mode",
							Map.of("type", "string", "enum", List.of("fast", "accurate"), "default", "fast",
									"description", "Speed or quality"),
							"limits",
							Map.of("type", "object", "properties",
									Map.of("threads", Map.of("type", "integer", "minimum", 1, "maximum", 64, "default", 4),
											"memory",
											Map.of("type", "string", "pattern", "^[0-9]+[MG]$", "default", "512M"))),
							"primary", Map.of("$ref", "#/$defs/Server"), "servers",
							Map.of("type", "array", "items", Map.of("$ref", "#/$defs/Server")), "login",
							Map.of("type", "object", "properties", Map.of("user", Map.of("type", "string"), "password",
									Map.of("type", "string", "writeOnly", true)))));
			return new PluginManager() {

				@Override
				public List<PluginDescriptor> discoverPlugins() {
					return List.of(PluginDescriptor.builder("rich").version("1.0.0").configSchema(schema).build());
				}

				@Override
				public Optional<Object> getPlugin(String name) {
					return Optional.empty();
				}

				@Override
				public String category() {
					return "forms";
				}

			};
		}

	}

}
