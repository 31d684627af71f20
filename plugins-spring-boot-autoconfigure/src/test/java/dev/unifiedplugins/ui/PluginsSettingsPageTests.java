package dev.unifiedplugins.ui;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PluginsSettingsPage}.
 */
class PluginsSettingsPageTests {

	@ParameterizedTest
	@ValueSource(strings = { "/plugins-ui", "/admin/plugins", "/a.b/c_d/~e" })
	void pathsOfPlainSegmentsAreAccepted(String path) {
		assertThat(PluginsSettingsPage.checkPath(path)).isEqualTo(path);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "plugins-ui", "/plugins-ui/", "/plugins ui", "/plugins-ui/**", "/a/../b", "/..",
			"/a/.", "/a//b", "/plugins?x" })
	void otherPathsAreRefusedWithWhatIsAllowed(String path) {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginsSettingsPage.checkPath(path))
			.withMessageContaining("such as /plugins-ui");
	}

	@Test
	void theEndpointIsFoundRelativeToThePage() {
		assertThat(page("/plugins-ui", "/actuator/plugins").settings()).containsEntry("endpoint", "../actuator/plugins");
		assertThat(page("/admin/plugins", "/manage/plugins").settings()).containsEntry("endpoint",
				"../../manage/plugins");
	}

	@Test
	void settingsTellWhereTheEndpointIsAndNothingOfItsExposureOrAccess() {
		Map<String, Object> exposed = page("/plugins-ui", "/actuator/plugins").settings();
		assertThat(exposed).containsOnlyKeys("endpoint", "unreachable")
			.containsEntry("endpoint", "../actuator/plugins")
			.containsEntry("unreachable", null);
		PluginsSettingsPage hidden = new PluginsSettingsPage("/plugins-ui", () -> null, "on another port");
		assertThat(hidden.settings()).containsOnlyKeys("endpoint", "unreachable")
			.containsEntry("endpoint", "../actuator/plugins")
			.containsEntry("unreachable", "on another port");
	}

	@Test
	void theSecurityHeadersAllowNoInlineScriptNoPluginsAndNoFraming() {
		assertThat(PluginsSettingsPage.securityHeaders()).containsEntry("X-Content-Type-Options", "nosniff")
			.containsEntry("Referrer-Policy", "same-origin")
			.containsEntry("X-Frame-Options", "DENY")
			.containsEntry("Content-Security-Policy", PluginsSettingsPage.CONTENT_SECURITY_POLICY);
		assertThat(PluginsSettingsPage.CONTENT_SECURITY_POLICY).contains("default-src 'self'", "script-src 'self'",
				"object-src 'none'", "frame-ancestors 'none'")
			.doesNotContain("unsafe-inline", "unsafe-eval");
	}

	@Test
	void aRequestWithoutTheTrailingSlashIsRedirectedRelatively() {
		assertThat(page("/plugins-ui", "/actuator/plugins").redirect()).isEqualTo("plugins-ui/");
		assertThat(page("/admin/plugins", "/actuator/plugins").redirect()).isEqualTo("plugins/");
	}

	@Test
	void thePageAndTheFormLibraryAreOnTheClassPath() throws Exception {
		PluginsSettingsPage page = page("/plugins-ui", "/actuator/plugins");
		assertThat(page.index().exists()).isTrue();
		assertThat(page.files().createRelative("app.js").exists()).isTrue();
		assertThat(page.files().createRelative("app.css").exists()).isTrue();
		assertThat(page.editorFiles()).isNotNull();
		assertThat(page.editorFiles().createRelative("jsoneditor.js").exists()).isTrue();
		assertThat(PluginsSettingsPage.webJarVersion(PluginsSettingsPage.EDITOR_WEBJAR)).startsWith("2.");
	}

	private static PluginsSettingsPage page(String path, String endpoint) {
		return new PluginsSettingsPage(path, () -> endpoint, null);
	}

}
