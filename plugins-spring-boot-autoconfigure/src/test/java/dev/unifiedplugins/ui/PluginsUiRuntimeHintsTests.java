package dev.unifiedplugins.ui;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsUiRuntimeHints}: the settings page's files are in a native image.
 */
class PluginsUiRuntimeHintsTests {

	@Test
	void theFilesAreInTheNativeImage() {
		RuntimeHints hints = new RuntimeHints();
		new PluginsUiRuntimeHints().registerHints(hints, getClass().getClassLoader());
		for (String file : new String[] { "index.html", "app.js", "app.css" }) {
			assertThat(RuntimeHintsPredicates.resource().forResource(PluginsSettingsPage.LOCATION + file))
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.resource()
			.forResource("META-INF/resources/webjars/json-editor__json-editor/2.15.2/dist/jsoneditor.js")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource()
			.forResource("META-INF/maven/org.webjars.npm/json-editor__json-editor/pom.properties")).accepts(hints);
	}

}
