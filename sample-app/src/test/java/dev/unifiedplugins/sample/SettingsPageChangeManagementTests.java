package dev.unifiedplugins.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.applied.AppliedRevisions;
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
 * Change management on the settings page in Chromium, against the sample over real HTTP:
 * Check runs every check a save makes (the schema, the loaded plugin's own
 * {@code validate}) and shows what a save would change, writing nothing; the details say
 * which instances applied the saved revision, and which failed.
 */
@ExtendWith(Browser.Installed.class)
class SettingsPageChangeManagementTests {

	private static final String LLAMA = "llm_llama3_cloud";

	private static final String OLLAMA = "llm_ollama_local";

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static StartedSample sample;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-change-management-test", StartedSample.sample(), Browser.QUIET_SELENIUM,
				"--management.endpoint.plugins.show-values=always");
		browser = Browser.open(1280, 1000);
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, browser);
	}

	@Test
	void checkListsWhatASaveWouldChangeAndWritesNothing() {
		open(LLAMA);
		new Select(browser.field("gpu_type")).selectByValue("H100");
		browser.type("gpu_count", "2");
		browser.byId("check").click();
		browser.await("the changes", (driver) -> browser.byId("message").getText().startsWith("Checked"));

		assertThat(browser.byId("message").getText()).isEqualTo("Checked: nothing is saved yet, so a save writes "
				+ "the first revision, saving 2 settings; it would change 2 settings from the defaults.");
		assertThat(changeRows()).containsExactly("/gpu_type \"A100\" \"H100\"", "/gpu_count 1 2");
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("15-check-changes");
	}

	@Test
	void checkShowsThePluginsOwnRefusalAndWritesNothing() {
		open(LLAMA);
		new Select(browser.field("gpu_type")).selectByValue("H100");
		browser.type("gpu_count", "6");
		browser.byId("check").click();
		browser.await("the refusal", (driver) -> browser.byId("message").getText().startsWith("Would not be saved"));

		assertThat(browser.byId("message").getText()).contains("1 problem");
		assertThat(browser.byId("form-violations").getText()).contains("the provider rents at most 4 H100 GPUs at a time");
		assertThat(browser.byId("changes").isDisplayed()).isFalse();
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("16-check-refused-by-the-plugin");

		// Save gets the same answer from the same check.
		browser.byId("save").click();
		browser.await("the save refused", (driver) -> browser.byId("message").getText().startsWith("Not saved"));
		assertThat(browser.byId("form-violations").getText()).contains("at most 4 H100 GPUs");
		assertThat(configFile(LLAMA)).doesNotExist();
	}

	@Test
	void checkOfAPluginWithNothingSavedSaysThatASaveWritesTheFirstRevisionWithTheValuesShown() throws Exception {
		open(LLAMA);
		assertThat(fact("Revision")).isEqualTo("none saved");
		check();

		// The form holds the defaults, so no value changes; but a save writes them all.
		assertThat(browser.byId("message").getText()).isEqualTo("Checked: nothing is saved yet, so a save writes "
				+ "the first revision, saving 2 settings, all at their defaults.");
		assertThat(changeRows()).containsExactly("/gpu_type \"A100\" (default) \"A100\"",
				"/gpu_count 1 (default) 1");
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("20-check-first-revision");

		// What Check listed is what Save writes.
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		assertThat(json.readTree(Files.readString(configFile(LLAMA))))
			.isEqualTo(json.readTree("{\"gpu_type\": \"A100\", \"gpu_count\": 1}"));

		// Now saved as the form holds them: a save would change nothing.
		check();
		assertThat(browser.byId("message").getText()).isEqualTo("Checked: a save would change nothing.");
		assertThat(changeRows()).isEmpty();
		sample.context().getBean(UnifiedPluginRegistry.class).deletePluginConfig(LLAMA);
	}

	@Test
	void checkSaysWhichDefaultsASaveWouldStartSaving() {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		registry.savePluginConfig(LLAMA, Map.of("gpu_count", 2), ExpectedRevision.any());
		open(LLAMA);
		check();

		assertThat(browser.byId("message").getText())
			.isEqualTo("Checked: a save would change no value, but would save 1 setting now at its default.");
		assertThat(changeRows()).containsExactly("/gpu_type \"A100\" (default) \"A100\"");
		registry.deletePluginConfig(LLAMA);
	}

	@Test
	void savedKeysTheSchemaDoesNotDeclareAreNamedInTheDetails() throws Exception {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		// As an HTTP client or a hand edit may leave them: the generated schema takes other keys.
		registry.savePluginConfig(LLAMA, Map.of("gpu_count", 2, "gpu_cout", 3), ExpectedRevision.any());
		open(LLAMA);
		String named = "/gpu_cout: saved, but not settings of this plugin (misspelt?); saves from this page keep it";
		assertThat(fact("Not in the schema")).isEqualTo(named);

		// The page's save loses nothing it did not show.
		browser.type("gpu_count", "1");
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		assertThat(json.readTree(Files.readString(configFile(LLAMA))))
			.isEqualTo(json.readTree("{\"gpu_type\": \"A100\", \"gpu_count\": 1, \"gpu_cout\": 3}"));
		assertThat(fact("Not in the schema")).isEqualTo(named);

		// Once saved without it, the note is gone.
		registry.savePluginConfig(LLAMA, Map.of("gpu_count", 1), ExpectedRevision.any());
		open(LLAMA);
		assertThat(fact("Not in the schema")).isEmpty();
		registry.deletePluginConfig(LLAMA);
	}

	@Test
	void checkAgainstAnEndpointWithoutSavedChangesSaysWhatItsChangesSay() {
		open(LLAMA);
		// An endpoint of an earlier version answers a dry run without savedChanges.
		browser.script("const send = window.fetch; window.fetch = async (url, init) => { const response = await"
				+ " send(url, init); const body = await response.clone().json().catch(() => null);"
				+ " if (!body || !('savedChanges' in body)) { return response; } delete body.savedChanges;"
				+ " return new Response(JSON.stringify(body), { status: response.status, headers: response.headers }); };");
		new Select(browser.field("gpu_type")).selectByValue("H100");
		check();

		assertThat(browser.byId("message").getText()).isEqualTo("Checked: a save would change 1 setting.");
		assertThat(changeRows()).containsExactly("/gpu_type \"A100\" \"H100\"");
		assertThat(configFile(LLAMA)).doesNotExist();
	}

	@Test
	void textInANumberFieldIsMarkedNamingTheFieldAndNeverSent() {
		open(LLAMA);
		recordPosts();
		browser.type("gpu_count", "abc");
		browser.await("the field marked",
				(driver) -> "true".equals(browser.field("gpu_count").getDomAttribute("aria-invalid")));
		assertThat(violationNextTo("gpu_count")).isEqualTo("Enter a whole number in gpu_count.");

		browser.byId("check").click();
		browser.await("the check refused",
				(driver) -> browser.byId("message").getText().startsWith("Would not be saved"));
		assertThat(browser.byId("message").getText()).isEqualTo("Would not be saved: gpu_count is not a whole number.");
		browser.await("focus on the field",
				(driver) -> browser.field("gpu_count").equals(driver.switchTo().activeElement()));
		browser.byId("save").click();
		browser.await("the save refused", (driver) -> browser.byId("message").getText().startsWith("Not saved"));
		assertThat(browser.byId("message").getText()).isEqualTo("Not saved: gpu_count is not a whole number.");
		assertThat(violationNextTo("gpu_count")).isEqualTo("Enter a whole number in gpu_count.");
		assertThat(browser.<List<Object>>script("return window.posted")).isEmpty();
		assertThat(configFile(LLAMA)).doesNotExist();
		browser.screenshot("21-text-in-a-number-field");

		// Not a whole number either: refused alike.
		browser.type("gpu_count", "1.5");
		browser.byId("check").click();
		browser.await("the check refused",
				(driver) -> browser.byId("message").getText().startsWith("Would not be saved"));
		assertThat(browser.<List<Object>>script("return window.posted")).isEmpty();

		browser.type("gpu_count", "2");
		browser.await("the mark gone", (driver) -> browser.field("gpu_count").getDomAttribute("aria-invalid") == null);
		assertThat(browser.driver().findElements(By.cssSelector("#form .violation"))).isEmpty();
		check();
		assertThat(browser.<List<Object>>script("return window.posted")).hasSize(1);
		assertThat(changeRows()).contains("/gpu_count 1 2");
	}

	@Test
	void theHistoryListsAChangedSecretWithoutShowingIt() {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		String first = registry.savePluginConfig(WHISPER, Map.of("beam_size", 3, "hf_token", "hf_FIRST_secret"),
				ExpectedRevision.any());
		registry.savePluginConfig(WHISPER, Map.of("beam_size", 4, "hf_token", "hf_SECOND_secret"),
				ExpectedRevision.any());
		open(WHISPER);
		browser.await("the history", (driver) -> historyRows().size() >= 2);
		historyButton(first, "Changes").click();
		browser.await("the differences", (driver) -> browser.byId("history-diff").isDisplayed());

		assertThat(browser.byId("history-diff-title").getText()).endsWith("2 differences");
		assertThat(historyDiffRows()).containsExactly("/beam_size 4 3", "/hf_token hidden hidden");
		assertThat(browser.driver().getPageSource()).doesNotContain("hf_FIRST_secret").doesNotContain("hf_SECOND_secret");
		registry.deletePluginConfig(WHISPER);
	}

	@Test
	void theDetailsSayWhichInstancesAppliedTheSavedRevisionAndWhichFailed() throws Exception {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		String revision = registry.savePluginConfig(LLAMA, Map.of("gpu_count", 2), ExpectedRevision.any());
		String instance = sample.context().getBean(AppliedRevisions.class).instanceName();
		browser.await("the reload", (driver) -> revision.equals(applied(registry).revision()));
		open(LLAMA);
		assertThat(fact("Applied")).isEqualTo("applied on 1 of 1 instance");

		// Written by someone else, as the Python library or a person would: the reload fails.
		Files.writeString(configFile(LLAMA), "{\"gpu_count\": \"many\"}");
		browser.await("the failed reload", (driver) -> applied(registry).error() != null);
		open(LLAMA);
		assertThat(fact("Applied")).startsWith("applied on 0 of 1 instance\n" + instance + ": failed: ")
			.contains("gpu_count");
		browser.screenshot("17-applied-failed");
		registry.deletePluginConfig(LLAMA);
	}

	@Test
	void aSaveAnswersOnceTheInstanceAppliedIt() {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		open(LLAMA);
		browser.type("gpu_count", "3");
		browser.byId("save").click();
		browser.await("saved", (driver) -> browser.byId("message").getText().startsWith("Saved (revision "));
		// The save waited for the reload: no "still on the defaults" in between.
		assertThat(fact("Applied")).isEqualTo("applied on 1 of 1 instance");
		assertThat(applied(registry).revision()).isEqualTo(fact("Revision"));
		registry.deletePluginConfig(LLAMA);
	}

	@Test
	void theHistoryComparesAnEarlierRevisionAndRestoresIt() throws Exception {
		UnifiedPluginRegistry registry = sample.context().getBean(UnifiedPluginRegistry.class);
		String first = registry.savePluginConfig(OLLAMA, Map.of("model", "llama3:8b"), ExpectedRevision.any());
		registry.savePluginConfig(OLLAMA, Map.of("model", "llama3:70b"), ExpectedRevision.any());
		open(OLLAMA);
		browser.await("the history", (driver) -> historyRows().size() == 2);
		assertThat(historyRows().get(0)).contains("(current)");
		assertThat(historyRows().get(1)).startsWith(first.substring(0, 12));

		historyButton(1, "Changes").click();
		browser.await("the differences", (driver) -> browser.byId("history-diff").isDisplayed());
		assertThat(browser.byId("history-diff-title").getText()).contains("1 difference");
		assertThat(historyDiffRows()).containsExactly("/model \"llama3:70b\" \"llama3:8b\"");
		browser.screenshot("18-history");

		historyButton(1, "Restore").click();
		browser.await("confirmation", (driver) -> browser.byId("confirm").isDisplayed());
		browser.byId("confirm-ok").click();
		browser.await("restored", (driver) -> browser.byId("message").getText().startsWith("Restored revision"));
		// The history is drawn again, without that button: focus on the message.
		browser.await("focus on the message",
				(driver) -> browser.byId("message").equals(driver.switchTo().activeElement()));
		assertThat(registry.loadPluginConfig(OLLAMA)).isEqualTo(Map.of("model", "llama3:8b"));
		browser.await("three revisions", (driver) -> historyRows().size() == 3);
		assertThat(registry.getConfigHistory(OLLAMA)).hasSize(3);
		// The file store names the restored revision as the one restored: one is current.
		assertThat(historyRows()).filteredOn((row) -> row.contains("(current)")).hasSize(1);
		assertThat(historyRows().get(0)).contains("(current)");
		assertThat(browser.driver().findElements(By.cssSelector("#history-rows tr")).get(2)
			.findElements(By.tagName("button"))).as("no restore of the values already current").isEmpty();
	}

	private static List<String> historyRows() {
		return browser.driver()
			.findElements(By.cssSelector("#history-rows tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private static List<String> historyDiffRows() {
		return browser.driver()
			.findElements(By.cssSelector("#history-diff-rows tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	/** The button of the history's row of a revision. */
	private static WebElement historyButton(String revision, String text) {
		return browser.driver()
			.findElements(By.cssSelector("#history-rows tr"))
			.stream()
			.filter((row) -> row.getText().startsWith(revision.substring(0, 12)))
			.findFirst()
			.orElseThrow()
			.findElement(By.xpath(".//button[text()='" + text + "']"));
	}

	private static WebElement historyButton(int row, String text) {
		return browser.driver()
			.findElements(By.cssSelector("#history-rows tr"))
			.get(row)
			.findElement(By.xpath(".//button[text()='" + text + "']"));
	}

	private static AppliedRevision applied(UnifiedPluginRegistry registry) {
		AppliedRevision none = new AppliedRevision("none", Instant.EPOCH, null);
		return sample.context().getBean(AppliedRevisions.class).get(LLAMA).values().stream().findFirst().orElse(none);
	}

	private static String fact(String term) {
		for (WebElement dt : browser.driver().findElements(By.cssSelector("#facts dt"))) {
			if (dt.getText().equals(term)) {
				return dt.findElement(By.xpath("following-sibling::dd[1]")).getText();
			}
		}
		return "";
	}

	private static void open(String uniqueId) {
		browser.openSettings(sample.baseUrl(), uniqueId);
	}

	/** Clicks Check and waits for its answer. */
	private static void check() {
		browser.byId("check").click();
		browser.await("the check", (driver) -> browser.byId("message").getText().startsWith("Checked"));
	}

	/**
	 * Records the body of each POST the page sends from now on in {@code window.posted},
	 * until the page is loaded again: the page calls the endpoint through {@code fetch}.
	 */
	private static void recordPosts() {
		browser.script("window.posted = []; const send = window.fetch;"
				+ "window.fetch = (url, init) => { if (init && init.method === 'POST') { window.posted.push(init.body); }"
				+ " return send(url, init); };");
	}

	private static String violationNextTo(String name) {
		return browser.field(name)
			.findElement(By.xpath("ancestor::div[@data-schemapath][1]"))
			.findElement(By.cssSelector(".violation"))
			.getText();
	}

	private static List<String> changeRows() {
		return browser.driver()
			.findElements(By.cssSelector("#changes-rows tr"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	private static Path configFile(String uniqueId) {
		return sample.configDir().resolve(uniqueId + ".json");
	}

}
