package dev.unifiedplugins.ui;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The files of the settings page in a native image: its own, and the form library's from
 * its WebJar, with the WebJar's Maven metadata that names its version.
 */
public class PluginsUiRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources()
			.registerPattern(PluginsSettingsPage.LOCATION + "*")
			.registerPattern("META-INF/maven/org.webjars.npm/json-editor__json-editor/pom.properties")
			.registerPattern("META-INF/resources/webjars/json-editor__json-editor/*/dist/jsoneditor.js");
	}

}
