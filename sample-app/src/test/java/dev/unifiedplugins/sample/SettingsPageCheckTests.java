package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page's Check button in Chromium, against the sample over real HTTP: every
 * check a save makes (the schema, the loaded plugin's own {@code validate}), what a save
 * would change, and nothing written.
 */
@ExtendWith(Browser.Installed.class)
class SettingsPageCheckTests {

	private static final String LLAMA = "llm_llama3_cloud";

	private static Path configDir;

	private static ConfigurableApplicationContext context;

	private static String baseUrl;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		configDir = Files.createTempDirectory("plugins-check-test");
		context = new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class)
			.run("--server.port=0", "--plugins.config-dir=" + configDir, Browser.QUIET_SELENIUM,
					"--management.endpoint.plugins.show-values=always");
		baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
		browser = Browser.open(1280, 1000);
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.close();
		}
		if (context != null) {
			context.close();
		}
	}

	@Test
	void checkListsWhatASaveWouldChangeAndWritesNothing() {
		open(LLAMA);
		new Select(field("gpu_type")).selectByValue("H100");
		type("gpu_count", "2");
		byId("check").click();
		browser.await("the changes", (driver) -> byId("message").getText().startsWith("Checked"));

		assertThat(byId("message").getText()).isEqualTo("Checked: a save would change 2 settings.");
		assertThat(changeRows()).containsExactly("/gpu_type \"A100\" \"H100\"", "/gpu_count 1 2");
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("15-check-changes");
	}

	@Test
	void checkShowsThePluginsOwnRefusalAndWritesNothing() {
		open(LLAMA);
		new Select(field("gpu_type")).selectByValue("H100");
		type("gpu_count", "6");
		byId("check").click();
		browser.await("the refusal", (driver) -> byId("message").getText().startsWith("Would not be saved"));

		assertThat(byId("message").getText()).contains("1 problem");
		assertThat(byId("form-violations").getText()).contains("the provider rents at most 4 H100 GPUs at a time");
		assertThat(byId("changes").isDisplayed()).isFalse();
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("16-check-refused-by-the-plugin");

		// Save gets the same answer from the same check.
		byId("save").click();
		browser.await("the save refused", (driver) -> byId("message").getText().startsWith("Not saved"));
		assertThat(byId("form-violations").getText()).contains("at most 4 H100 GPUs");
		assertThat(configFile(LLAMA)).doesNotExist();
	}

	@Test
	void checkWithoutAChangeSaysSo() {
		open(LLAMA);
		byId("check").click();
		browser.await("the answer", (driver) -> byId("message").getText().startsWith("Checked"));

		assertThat(byId("message").getText()).isEqualTo("Checked: a save would change nothing.");
		assertThat(changeRows()).isEmpty();
	}

	private static void open(String uniqueId) {
		browser.openSettings(baseUrl, uniqueId);
	}

	private static WebElement byId(String id) {
		return browser.byId(id);
	}

	private static WebElement field(String path) {
		return browser.field(path);
	}

	private static void type(String path, String text) {
		browser.type(path, text);
	}

	private static List<String> changeRows() {
		return browser.driver()
			.findElements(By.cssSelector("#changes-rows tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private static Path configFile(String uniqueId) {
		return configDir.resolve(uniqueId + ".json");
	}

}
