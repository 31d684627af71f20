package dev.unifiedplugins.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with the endpoint's default access, read-only: nothing is written over HTTP,
 * and the settings page shows the settings with its editing controls disabled, saying why.
 */
class ReadOnlySettingsPageTests {

	private static final String WHISPER = "transcription_whisper_tiny";

	private static final HttpClient http = HttpClient.newHttpClient();

	private static StartedSample sample;

	@BeforeAll
	static void start() throws IOException {
		sample = StartedSample.start("plugins-read-only-test", StartedSample.sample(), Browser.QUIET_SELENIUM,
				"--management.endpoint.plugins.access=read-only", "--sample.transcription.worker.enabled=false");
	}

	@AfterAll
	static void stop() {
		StartedSample.close(sample, null);
	}

	@Test
	void writesAreNotServed() throws Exception {
		assertThat(send("POST", "/actuator/plugins/" + WHISPER, "{\"config\": \"{}\"}").statusCode()).isEqualTo(405);
		assertThat(send("DELETE", "/actuator/plugins/" + WHISPER, null).statusCode()).isEqualTo(405);
		// The path has a read (the history, .../revisions), so the write is a 405 too, which the
		// page tells as writes not being enabled.
		assertThat(send("DELETE", "/actuator/plugins/" + WHISPER + "/resources", null).statusCode()).isEqualTo(405);
		assertThat(send("GET", "/actuator/plugins/" + WHISPER + "/revisions", null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/plugins/" + WHISPER, null).statusCode()).isEqualTo(200);
		assertThat(sample.configDir().resolve(WHISPER + ".json")).doesNotExist();
	}

	@Test
	@ExtendWith(Browser.Installed.class)
	void thePageShowsTheSettingsButDisablesEditingAndSaysWhy() {
		try (Browser browser = Browser.open(1280, 1000)) {
			browser.driver().get(sample.baseUrl() + "/plugins-ui/#" + WHISPER);
			browser.await("the form", (driver) -> {
				String ready = driver.findElement(By.id("settings")).getDomAttribute("data-ready");
				return ready != null && ready.startsWith(WHISPER + ":");
			});
			for (String id : List.of("save", "reset", "stop")) {
				WebElement button = browser.driver().findElement(By.id(id));
				assertThat(button.isEnabled()).as(id).isFalse();
				// First the reason of them all; a button's own note is empty while read-only.
				assertThat(button.getDomAttribute("aria-describedby")).startsWith("write-note");
			}
			assertThat(browser.driver().findElement(By.id("write-note")).getText())
				.isEqualTo("Read-only: changing settings needs management.endpoint.plugins.access=unrestricted "
						+ "on the server.");
			WebElement beamSize = browser.driver().findElement(By.name("root[beam_size]"));
			assertThat(beamSize.getDomProperty("value")).isEqualTo("5");
			assertThat(beamSize.isEnabled()).isFalse();
			assertThat(browser.driver().findElement(By.id("category")).isEnabled()).isTrue();
			browser.screenshot("11-read-only");
		}
	}

	private static HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sample.baseUrl() + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
