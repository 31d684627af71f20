package dev.unifiedplugins.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.transcription.TranscriptionPluginManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings page of the sample in Chromium: what it shows, what it edits, and what it
 * must never show. Screenshots of each main view go to {@code target/screenshots}.
 * <p>
 * The application shows configuration values ({@code show-values=always}), so that the
 * form is filled in, and its secrets must stay masked all the same. Its {@code llm}
 * category has a budget, which the page's header shows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Browser.Installed.class)
class SettingsPageBrowserTests {

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final String VOXTRAL = "transcription_voxtral_vllm";

	private static final String LLAMA = "llm_llama3_cloud";

	private static final String SECRET = "hf_SECRET_never_on_the_page";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static StartedSample sample;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-browser-test", StartedSample.sample(), Browser.QUIET_SELENIUM,
				"--management.endpoint.plugins.show-values=always",
				"--plugins.cost.budget.categories.llm.hourly-usd=100");
		browser = Browser.open(1280, 1000);
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, browser);
	}

	@Test
	@Order(1)
	void categoriesAndPluginsAreChosenFromDropdowns() {
		open(WHISPER);
		Select categories = new Select(browser.byId("category"));
		assertThat(categories.getOptions()).extracting(WebElement::getText)
			.containsExactly("Language Models (2)", "Speech to Text (2)");
		assertThat(categories.getFirstSelectedOption().getText()).isEqualTo("Speech to Text (2)");

		categories.selectByVisibleText("Language Models (2)");
		awaitForm("llm_ollama_local");
		Select plugins = new Select(browser.byId("plugin"));
		assertThat(plugins.getOptions()).extracting(WebElement::getText)
			.containsExactly("Ollama (local) (not configured)", "Llama 3 70B (cloud GPU) (not configured)");
		plugins.selectByValue(LLAMA);
		awaitForm(LLAMA);
		assertThat(browser.byId("details-title").getText()).isEqualTo("Llama 3 70B (cloud GPU)");
		assertThat(browser.byId("summary").getText()).contains("4 plugins in 2 categories")
			.as("each budget, in the header")
			.contains("llm budget $100.00 per hour, within")
			.doesNotContain(" · budget ");
		browser.screenshot("01-select-plugin");
	}

	@Test
	@Order(2)
	void theDetailsCardAndTheComparisonShowCostsGpusAndResources() {
		open(LLAMA);
		assertThat(badges()).contains("cloud gpu", "cloud", "not configured", "$4.40 per hour", "1 × A100",
				"active resources");
		assertThat(fact("Remote resource")).contains("lambda_labs").contains("us-west-1").endsWith("running");
		assertThat(fact("Cost for 1 h")).isEqualTo("$4.40");
		List<String> rows = comparisonRows();
		assertThat(rows).hasSize(2);
		assertThat(rows.get(1)).contains("Llama 3 70B (cloud GPU)", "cloud gpu", "$4.40", "1 × A100", "running");

		WebElement hours = browser.byId("hours");
		hours.clear();
		hours.sendKeys("24");
		browser.await("cost for 24 h", (driver) -> fact("Cost for 24 h").equals("$105.60"));
		assertThat(comparisonRows().get(1)).endsWith("$105.60");
		assertThat(browser.byId("compare-cost").getText()).isEqualTo("Cost for 24 h");

		open(VOXTRAL);
		List<Long> pids = livePids(VOXTRAL);
		assertThat(fact("Live PIDs")).isEqualTo(pids.get(0) + ", " + pids.get(1));
		assertThat(badges()).contains("subprocess", "active resources");
		assertThat(fact("Managed resources")).contains("url: http://127.0.0.1:");
		browser.screenshot("02-details-and-comparison");
	}

	@Test
	@Order(3)
	void theFormIsGeneratedFromTheSchemaWithDefaultsAndLabels() {
		open(WHISPER);
		assertThat(new Select(browser.field("device")).getOptions()).extracting(WebElement::getText)
			.containsExactly("cpu", "cuda");
		assertThat(new Select(browser.field("device")).getFirstSelectedOption().getText()).isEqualTo("cpu");
		assertThat(browser.field("language").getDomProperty("value")).isEqualTo("en");
		assertThat(browser.field("beam_size").getDomProperty("value")).isEqualTo("5");
		assertThat(browser.field("hf_token").getDomAttribute("type")).isEqualTo("password");
		assertThat(browser.field("hf_token").getDomProperty("value")).isEmpty();
		// Descriptions are the fields' help, tied to them for screen readers.
		assertThat(description(browser.field("beam_size"))).isEqualTo("Beams searched while decoding");
		assertThat(unlabelledControls()).isEmpty();
		browser.screenshot("03-form-with-defaults");
	}

	@Test
	@Order(4)
	void anInvalidSaveShowsEachViolationNextToItsFieldAndWritesNothing() {
		open(WHISPER);
		browser.type("language", "english");
		browser.type("beam_size", "11");
		browser.byId("save").click();
		browser.await("violations", (driver) -> !driver.findElements(By.cssSelector("#form .violation")).isEmpty());

		assertThat(violationNextTo("language")).contains("pattern");
		assertThat(violationNextTo("beam_size")).contains("10");
		assertThat(browser.field("beam_size").getDomAttribute("aria-invalid")).isEqualTo("true");
		assertThat(browser.byId("message").getText()).startsWith("Not saved").contains("2 problems");
		assertThat(browser.driver().switchTo().activeElement()).isEqualTo(browser.field("language"));
		assertThat(configFile(WHISPER)).doesNotExist();
		browser.screenshot("04-violations");
	}

	@Test
	@Order(5)
	void aValidSaveWritesTheFileAndMarksThePluginConfigured() throws Exception {
		open(WHISPER);
		new Select(browser.field("device")).selectByValue("cuda");
		browser.type("beam_size", "3");
		browser.type("hf_token", SECRET);
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));

		assertThat(json.readTree(Files.readString(configFile(WHISPER))))
			.isEqualTo(json.readTree("{\"device\": \"cuda\", \"language\": \"en\", \"beam_size\": 3, \"hf_token\": \""
					+ SECRET + "\"}"));
		browser.await("configured", (driver) -> badges().contains("configured"));
		assertThat(new Select(browser.byId("plugin")).getFirstSelectedOption().getText()).isEqualTo("Whisper Tiny");
		assertThat(comparisonRows().get(0)).contains("Whisper Tiny", "yes");
		assertThat(fact("Revision")).isEqualTo(storedRevision(WHISPER));
		browser.screenshot("05-saved");
	}

	@Test
	@Order(6)
	void secretsNeverReachThePageAndSurviveASave() throws Exception {
		open(WHISPER);
		assertThat(browser.driver().getPageSource()).doesNotContain(SECRET);
		assertThat(browser.<String>script("return document.body.innerText")).doesNotContain(SECRET);
		List<String> values = browser.script(
				"return Array.from(document.querySelectorAll('input, select, textarea')).map((e) => e.value)");
		assertThat(values).doesNotContain(SECRET).doesNotContain("******");
		// What the page itself receives from the endpoint.
		String detail = browser.asyncScript("const done = arguments[arguments.length - 1];"
				+ "fetch('../actuator/plugins/" + WHISPER + "').then((r) => r.text()).then(done);");
		assertThat(detail).contains("\"hf_token\":\"******\"").doesNotContain(SECRET);
		// The secret's field is empty and says its value is hidden; why, once, at the top.
		assertThat(browser.field("hf_token").getDomProperty("value")).isEmpty();
		assertThat(browser.field("hf_token").getDomAttribute("placeholder")).isEqualTo("Saved value hidden");
		assertThat(browser.byId("hidden-note").isDisplayed()).isTrue();
		assertThat(browser.byId("hidden-note").getText()).contains("management.endpoint.plugins.show-values",
				"never shows secrets");

		browser.type("beam_size", "4");
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		assertThat(Files.readString(configFile(WHISPER))).contains("\"hf_token\": \"" + SECRET + "\"")
			.contains("\"beam_size\": 4")
			.doesNotContain("******");
		browser.screenshot("06-secret-kept");
	}

	@Test
	@Order(7)
	void aSaveMadeElsewhereInBetweenIsAConflictThatAsksToReload() throws Exception {
		open(WHISPER);
		// Another client saves with the revision it read.
		String revision = storedRevision(WHISPER);
		HttpResponse<String> other = post(WHISPER,
				"{\"config\": \"{\\\"device\\\": \\\"cpu\\\", \\\"beam_size\\\": 7, \\\"hf_token\\\": \\\"******\\\"}\", "
						+ "\"revision\": \"" + revision + "\"}");
		assertThat(other.statusCode()).isEqualTo(200);

		browser.type("beam_size", "2");
		browser.byId("save").click();
		browser.await("conflict", (driver) -> browser.byId("message").getText().contains("changed elsewhere"));
		assertThat(Files.readString(configFile(WHISPER))).contains("\"beam_size\": 7").contains(SECRET);
		browser.screenshot("07-conflict");

		browser.byId("message").findElement(By.tagName("button")).click();
		browser.await("reloaded", (driver) -> "7".equals(browser.field("beam_size").getDomProperty("value")));
		assertThat(new Select(browser.field("device")).getFirstSelectedOption().getText()).isEqualTo("cpu");
	}

	@Test
	@Order(8)
	void resetDeletesTheConfigurationAfterConfirmation() {
		open(WHISPER);
		assertThat(browser.byId("reset-note").isDisplayed()).isFalse();
		browser.byId("reset").click();
		WebElement dialog = browser.await("confirmation",
				ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		assertThat(dialog.getText()).contains("Reset Whisper Tiny?");
		browser.byId("confirm-ok").click();
		browser.await("reset", (driver) -> browser.byId("message").getText().startsWith("Reset"));

		assertThat(configFile(WHISPER)).doesNotExist();
		// The details are drawn again once the list is read again: wait for that drawing.
		browser.await("not configured", (driver) -> badges().contains("not configured")
				&& fact("Revision").equals("none saved"));
		assertThat(browser.field("beam_size").getDomProperty("value")).isEqualTo("5");
		browser.await("nothing left to reset", (driver) -> !browser.byId("reset").isEnabled());
	}

	@Test
	@Order(7)
	void resetIsOfferedOnlyWhereSettingsAreSaved() {
		open(LLAMA);
		assertThat(fact("Revision")).isEqualTo("none saved");
		assertThat(browser.byId("reset").isEnabled()).isFalse();
		assertThat(browser.byId("reset").getDomAttribute("title")).isEqualTo("Nothing to reset: no settings are saved.");
		assertThat(description(browser.byId("reset"))).contains("Nothing to reset: no settings are saved.");
		assertThat(browser.byId("save").isEnabled()).isTrue();
	}

	@Test
	@Order(9)
	void theKeyboardReachesAndUsesTheControls() {
		open(WHISPER);
		assertThat(tabUntil("plugin", 10)).as("Tab reaches the plugin selector").isTrue();
		assertThat(tabUntil("save", 30)).as("Tab reaches the save button").isTrue();
		new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
		browser.await("saved with Enter", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		assertThat(configFile(WHISPER)).exists();

		tabUntil("reset", 3);
		new Actions(browser.driver()).sendKeys(Keys.SPACE).perform();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
		browser.await("dialog closed", ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
		assertThat(configFile(WHISPER)).exists();
		assertThat(browser.driver().switchTo().activeElement()).isEqualTo(browser.byId("reset"));
	}

	@Test
	@Order(10)
	void onAPhoneThePageFitsTheScreen() {
		try (Browser phone = Browser.open(390, 844)) {
			phone.emulatePhone(390, 844);
			phone.driver().get(sample.baseUrl() + "/plugins-ui/#" + LLAMA);
			phone.await("form", (driver) -> (LLAMA + ":").equals(
					driver.findElement(By.id("settings")).getDomAttribute("data-ready")));
			Long innerWidth = phone.script("return window.innerWidth");
			Long scrollWidth = phone.script("return document.documentElement.scrollWidth");
			assertThat(innerWidth).isEqualTo(390);
			assertThat(scrollWidth).as("no horizontal scroll").isLessThanOrEqualTo(innerWidth);
			for (String id : new String[] { "category", "plugin", "hours", "save", "reset", "stop" }) {
				WebElement control = phone.driver().findElement(By.id(id));
				phone.script("arguments[0].scrollIntoView({block: 'center'})", control);
				Map<String, Object> box = phone.script("const r = arguments[0].getBoundingClientRect();"
						+ "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};", control);
				assertThat(((Number) box.get("left")).doubleValue()).as(id).isGreaterThanOrEqualTo(0);
				assertThat(((Number) box.get("right")).doubleValue()).as(id).isLessThanOrEqualTo(390);
				assertThat(control.isDisplayed()).as(id).isTrue();
			}
			phone.script("window.scrollTo(0, 0)");
			phone.screenshot("09-phone");
		}
	}

	@Test
	@Order(11)
	void stoppingResourcesAsksFirstThenEndsTheRealWorkerProcesses() {
		open(VOXTRAL);
		List<Long> pids = livePids(VOXTRAL);
		assertThat(pids).hasSize(2).allMatch(ProcessTable::isRunning);

		browser.byId("stop").click();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		assertThat(browser.byId("confirm").getText()).contains("Stop the resources of Voxtral (vLLM)?")
			.as("what applies, no cloud resource")
			.contains("This ends its processes.")
			.doesNotContain("cloud");
		browser.byId("confirm-cancel").click();
		browser.await("dialog closed", ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
		assertThat(pids).allMatch(ProcessTable::isRunning);

		browser.byId("stop").click();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		browser.screenshot("08-confirm-stop");
		browser.byId("confirm-ok").click();
		browser.await("stopped", (driver) -> browser.byId("message").getText().startsWith("Stopped: cleaned up its processes"));
		awaitGone(pids);
		Object voxtral = sample.context()
			.getBean(TranscriptionPluginManager.class)
			.getPlugin("voxtral_vllm")
			.orElseThrow();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(voxtral)).isEmpty();
		browser.await("no live PIDs", (driver) -> fact("Live PIDs").equals("none"));
		browser.await("nothing left to stop", (driver) -> !browser.byId("stop").isEnabled());
		browser.screenshot("10-stopped");
	}

	@Test
	@Order(12)
	void theMainViewForTheReadme() {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		registry.savePluginConfig(LLAMA, Map.of("region", "us-west-1", "gpu_type", "A100", "gpu_count", 1));
		open(LLAMA);
		browser.script("window.scrollTo(0, 0)");
		browser.screenshot("settings-page");
	}

	@Test
	@Order(13)
	void stopResourcesIsOfferedOnlyWhereThereIsSomethingToStop() {
		open(WHISPER);
		assertThat(browser.byId("stop").isEnabled()).as("in process, no PIDs, no cloud resource").isFalse();
		assertThat(browser.byId("stop").getDomAttribute("title"))
			.isEqualTo("Nothing to stop: no processes or cloud resource.");
		assertThat(browser.byId("stop-note").isDisplayed()).isTrue();
		assertThat(description(browser.byId("stop"))).contains("Nothing to stop: no processes or cloud resource.");

		open(LLAMA);
		assertThat(browser.byId("stop").isEnabled()).isTrue();
		assertThat(browser.byId("stop-note").isDisplayed()).isFalse();
		browser.byId("stop").click();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		assertThat(browser.byId("confirm").getText()).contains("This terminates its cloud resource.")
			.doesNotContain("processes");
		browser.byId("confirm-ok").click();
		browser.await("stopped",
				(driver) -> browser.byId("message").getText().startsWith("Stopped: terminated its cloud resource"));
		browser.await("terminated", (driver) -> fact("Remote resource").endsWith("terminated"));
		browser.await("nothing left to stop", (driver) -> !browser.byId("stop").isEnabled());
		browser.await("focus on the message",
				(driver) -> browser.byId("message").equals(driver.switchTo().activeElement()));
		assertThat(browser.byId("stop").getDomAttribute("title"))
			.isEqualTo("Nothing to stop: no processes or cloud resource.");
	}

	@Test
	@Order(14)
	void anUnknownPluginInTheAddressIsSaidNotIgnored() {
		browser.driver().get(sample.baseUrl() + "/plugins-ui/?unknown#no_such_plugin");
		browser.await("the notice", (driver) -> browser.byId("notice").getText().startsWith("No plugin 'no_such_plugin'"));
		assertThat(browser.byId("notice").isDisplayed()).isTrue();
		assertThat(browser.byId("notice").getDomAttribute("role")).isEqualTo("status");
		assertThat(browser.byId("details").isDisplayed()).as("the first plugin, as before").isTrue();

		open(WHISPER);
		assertThat(browser.byId("notice").isDisplayed()).isFalse();
		browser.script("location.hash = '#gone_too'");
		browser.await("the notice", (driver) -> browser.byId("notice").getText()
			.equals("No plugin 'gone_too' is registered; showing Whisper Tiny."));
		assertThat(browser.byId("details-title").getText()).isEqualTo("Whisper Tiny");
		assertThat(browser.<String>script("return location.hash")).isEqualTo("#" + WHISPER);
	}

	@Test
	@Order(15)
	void focusReturnsToTheButtonUsedOrToTheMessage() {
		open(WHISPER);
		browser.byId("check").click();
		browser.await("checked", (driver) -> browser.byId("message").getText().startsWith("Checked"));
		browser.await("focus on Check", (driver) -> browser.byId("check").equals(driver.switchTo().activeElement()));

		browser.type("beam_size", "6");
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		browser.await("focus on Save", (driver) -> browser.byId("save").equals(driver.switchTo().activeElement()));

		browser.byId("reset").click();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		browser.byId("confirm-ok").click();
		browser.await("reset", (driver) -> browser.byId("message").getText().startsWith("Reset"));
		// Nothing is saved now, so Reset is disabled: the message that says what happened.
		browser.await("focus on the message",
				(driver) -> browser.byId("message").equals(driver.switchTo().activeElement()));
		assertThat(browser.byId("reset").isEnabled()).isFalse();
	}

	@Test
	@Order(16)
	void hoursThatAreNotAboveZeroAreShownInvalidNotTakenForOne() {
		open(WHISPER);
		WebElement hours = browser.byId("hours");
		hours.clear();
		hours.sendKeys("-5");
		browser.await("invalid", (driver) -> "true".equals(hours.getDomAttribute("aria-invalid")));
		assertThat(browser.byId("hours-error").isDisplayed()).isTrue();
		assertThat(browser.byId("hours-error").getText())
			.isEqualTo("Enter a number of hours above 0 and at most 876000; the costs shown are for 1 h.");
		assertThat(description(hours)).contains("Enter a number of hours above 0");
		assertThat(fact("Cost for 1 h")).isEqualTo("$0.00");
		assertThat(browser.byId("compare-cost").getText()).isEqualTo("Cost for 1 h");

		hours.clear();
		hours.sendKeys("3");
		browser.await("valid again", (driver) -> hours.getDomAttribute("aria-invalid") == null);
		assertThat(browser.byId("hours-error").isDisplayed()).isFalse();
		browser.await("cost for 3 h", (driver) -> browser.byId("compare-cost").getText().equals("Cost for 3 h"));

		hours.sendKeys(Keys.BACK_SPACE);
		browser.await("empty is invalid too", (driver) -> browser.byId("hours-error").isDisplayed());
		assertThat(browser.byId("hours-error").getText()).endsWith("the costs shown are for 3 h.");
	}

	@Test
	@Order(17)
	void theCostBadgeShowsWhatTheResourceCostsNowNotAfterItIsTerminated() throws Exception {
		// A GPU running, whatever earlier tests did to the one rented at the start.
		assertThat(send("POST", "/llm/generate", "{\"prompt\": \"Hello\"}").statusCode()).isEqualTo(200);
		open(LLAMA);
		assertThat(badges()).contains("$4.40 per hour");
		assertThat(comparisonRows().get(1)).contains("$4.40");

		browser.byId("stop").click();
		browser.await("confirmation", ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
		browser.byId("confirm-ok").click();
		browser.await("terminated", (driver) -> fact("Remote resource").endsWith("terminated"));
		assertThat(badges()).noneMatch((badge) -> badge.contains("per hour"));
		assertThat(comparisonRows().get(1)).doesNotContain("$4.40");
		assertThat(fact("Cost for 1 h")).isEqualTo("$0.00");

		// Terminated elsewhere (by the cost guard, say): the page's next refresh shows it.
		assertThat(send("POST", "/llm/generate", "{\"prompt\": \"Again\"}").statusCode()).isEqualTo(200);
		open(LLAMA);
		assertThat(badges()).contains("$4.40 per hour");
		assertThat(send("DELETE", "/actuator/plugins/" + LLAMA + "/resources", null).statusCode()).isEqualTo(200);
		WebElement hours = browser.byId("hours");
		hours.clear();
		hours.sendKeys("2");
		browser.await("the list read again", (driver) -> fact("Cost for 2 h").equals("$0.00"));
		assertThat(badges()).noneMatch((badge) -> badge.contains("per hour"));
		assertThat(comparisonRows().get(1)).doesNotContain("$4.40");
	}

	// ------------------------------------------------------------------ page helpers

	/** Loads the page afresh on a plugin and waits until its form is ready. */
	private static void open(String uniqueId) {
		browser.openSettings(sample.baseUrl(), uniqueId);
	}

	private static void awaitForm(String uniqueId) {
		browser.awaitSettings(uniqueId);
	}

	private static List<String> badges() {
		return browser.driver().findElements(By.cssSelector("#badges .badge")).stream().map(WebElement::getText).toList();
	}

	private static String fact(String term) {
		for (WebElement dt : browser.driver().findElements(By.cssSelector("#facts dt"))) {
			if (dt.getText().equals(term)) {
				return dt.findElement(By.xpath("following-sibling::dd[1]")).getText();
			}
		}
		return "";
	}

	private static List<String> comparisonRows() {
		return browser.driver().findElements(By.cssSelector("#compare tbody tr")).stream().map(WebElement::getText).toList();
	}

	private static String description(WebElement control) {
		List<String> texts = new ArrayList<>();
		for (String id : control.getDomAttribute("aria-describedby").split(" ")) {
			texts.add(browser.driver().findElement(By.id(id)).getText());
		}
		return String.join(" ", texts);
	}

	private static String violationNextTo(String name) {
		return browser.field(name).findElement(By.xpath("ancestor::div[@data-schemapath][1]"))
			.findElement(By.cssSelector(".violation"))
			.getText();
	}

	/** Form controls that a screen reader could not name. */
	private static List<String> unlabelledControls() {
		return browser.script("return Array.from(document.querySelectorAll('input, select, textarea'))"
				+ ".filter((e) => e.offsetParent !== null)"
				+ ".filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
				+ " && !e.getAttribute('aria-labelledby'))"
				+ ".map((e) => e.id || e.name)");
	}

	private static boolean tabUntil(String id, int presses) {
		WebDriver driver = browser.driver();
		for (int i = 0; i < presses; i++) {
			new Actions(driver).sendKeys(Keys.TAB).perform();
			if (id.equals(driver.switchTo().activeElement().getDomAttribute("id"))) {
				return true;
			}
		}
		return false;
	}

	// ------------------------------------------------------------------ server helpers

	private static Path configFile(String uniqueId) {
		return sample.configDir().resolve(uniqueId + ".json");
	}

	private static String storedRevision(String uniqueId) {
		return sample.context()
			.getBean(UnifiedPluginRegistry.class)
			.loadStoredPluginConfig(uniqueId)
			.orElseThrow()
			.revision();
	}

	private static List<Long> livePids(String uniqueId) {
		try {
			JsonNode plugins = json.readTree(http
				.send(HttpRequest.newBuilder(URI.create(sample.baseUrl() + "/actuator/plugins")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body());
			List<Long> pids = new ArrayList<>();
			JsonNode managed = plugins.get("managedPids").get(uniqueId);
			if (managed != null) {
				managed.forEach((pid) -> pids.add(pid.asLong()));
			}
			return pids;
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sample.baseUrl() + path));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return http.send(request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String uniqueId, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(sample.baseUrl() + "/actuator/plugins/" + uniqueId))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
