package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page with the endpoint's default {@code show-values=never}, as in the
 * sample: no saved value reaches the page, a field whose value is hidden is empty and says
 * so, never showing the default in its place, and a save changes only the fields edited.
 * See {@link HiddenValuesEveryFieldKindTests} for every kind of field.
 */
@ExtendWith(Browser.Installed.class)
class HiddenValuesSettingsPageTests {

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final String VOXTRAL = "transcription_voxtral_vllm";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StartedSample sample;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-hidden-values-test", StartedSample.sample(), Browser.QUIET_SELENIUM,
				"--sample.transcription.worker.enabled=false");
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, null);
	}

	@Test
	void noSavedValueReachesThePageAndASaveChangesOnlyTheFieldsEdited() throws Exception {
		sample.context().getBean(UnifiedPluginRegistry.class)
			.savePluginConfig(WHISPER, Map.of("device", "cuda", "language", "zq", "beam_size", 3, "hf_token", "hf_x"));
		try (Browser browser = Browser.open(1280, 1000)) {
			browser.driver().get(sample.baseUrl() + "/plugins-ui/#" + WHISPER);
			browser.await("the form", (driver) -> {
				String ready = driver.findElement(By.id("settings")).getDomAttribute("data-ready");
				return ready != null && ready.startsWith(WHISPER + ":");
			});
			String text = browser.script("return document.body.innerText");
			assertThat(text).doesNotContain("zq").doesNotContain("hf_x");
			// Why, once, at the top.
			WebElement note = browser.driver().findElement(By.id("hidden-note"));
			assertThat(note.isDisplayed()).isTrue();
			assertThat(text.split("management\\.endpoint\\.plugins\\.show-values", -1)).hasSize(2);
			// Each field empty, saying its value is hidden, not showing the schema's default.
			for (String name : List.of("language", "beam_size", "hf_token")) {
				assertThat(field(browser, name).getDomProperty("value")).as(name).isEmpty();
				assertThat(field(browser, name).getDomAttribute("placeholder")).as(name).isEqualTo("Saved value hidden");
			}
			assertThat(new Select(field(browser, "device")).getFirstSelectedOption().getText())
				.isEqualTo("Saved value hidden");
			assertThat(browser.<List<String>>script("return Array.from(document.querySelectorAll('#form input, "
					+ "#form select')).map((e) => e.value)")).doesNotContain("en", "5", "cpu");
			browser.screenshot("14-hidden-values");

			WebElement beamSize = field(browser, "beam_size");
			beamSize.sendKeys("7");
			browser.driver().findElement(By.id("save")).click();
			browser.await("saved",
					(driver) -> driver.findElement(By.id("message")).getText().startsWith("Saved (revision "));
		}
		assertThat(json.readTree(Files.readString(sample.configDir().resolve(WHISPER + ".json")))).isEqualTo(
				json.readTree("{\"device\": \"cuda\", \"language\": \"zq\", \"beam_size\": 7, \"hf_token\": \"hf_x\"}"));
	}

	@Test
	void aPluginWithNothingSavedShowsItsDefaultsAndNoHiddenValue() {
		try (Browser browser = Browser.open(1280, 1000)) {
			browser.driver().get(sample.baseUrl() + "/plugins-ui/#" + VOXTRAL);
			browser.await("the form", (driver) -> {
				String ready = driver.findElement(By.id("settings")).getDomAttribute("data-ready");
				return ready != null && ready.equals(VOXTRAL + ":");
			});
			assertThat(browser.<String>script("return document.body.innerText")).doesNotContainIgnoringCase(
					"saved value hidden").doesNotContain("show-values");
			assertThat(browser.driver().findElement(By.id("hidden-note")).isDisplayed()).isFalse();
			assertThat(browser.<Long>script(
					"return document.querySelectorAll('#form [placeholder=\"Saved value hidden\"]').length"))
				.isZero();
			assertThat(browser.<List<String>>script(
					"return Array.from(document.querySelectorAll('#form input')).map((e) => e.value)"))
				.contains("mistralai/Voxtral-Mini-3B-2507");
		}
	}

	@Test
	void theHistorySaysWhichHiddenSettingsDifferWithoutShowingThem() {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		String first = registry.savePluginConfig(WHISPER,
				Map.of("device", "cuda", "language", "zq", "beam_size", 3, "hf_token", "hf_FIRST"),
				ExpectedRevision.any());
		registry.savePluginConfig(WHISPER,
				Map.of("device", "cuda", "language", "zq", "beam_size", 4, "hf_token", "hf_SECOND"),
				ExpectedRevision.any());
		try (Browser browser = Browser.open(1280, 1000)) {
			browser.openSettings(sample.baseUrl(), WHISPER);
			WebElement row = browser.await("the first revision in the history",
					(driver) -> driver.findElements(By.cssSelector("#history-rows tr"))
						.stream()
						.filter((candidate) -> candidate.getText().startsWith(first.substring(0, 12)))
						.findFirst()
						.orElse(null));
			row.findElement(By.xpath(".//button[text()='Changes']")).click();
			browser.await("the differences", (driver) -> driver.findElement(By.id("history-diff")).isDisplayed());

			// Every value is hidden: those that differ are named, those that do not are left out.
			assertThat(browser.driver().findElement(By.id("history-diff-title")).getText()).endsWith("2 differences");
			assertThat(browser.driver().findElements(By.cssSelector("#history-diff-rows tr")))
				.extracting(WebElement::getText)
				.containsExactly("/beam_size hidden hidden", "/hf_token hidden hidden");
			assertThat(browser.driver().getPageSource()).doesNotContain("hf_FIRST")
				.doesNotContain("hf_SECOND")
				.doesNotContain("zq");
			browser.screenshot("19-history-hidden-values");
		}
	}

	private static WebElement field(Browser browser, String name) {
		return browser.driver().findElement(By.name("root[" + name + "]"));
	}

}
