package dev.unifiedplugins.utils;

import java.util.List;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PluginFilters}.
 */
class PluginFiltersTests {

	private final List<PluginMetadata> plugins = List.of(
			PluginMetadata.builder("whisper_tiny", "transcription").configured(true).build(),
			PluginMetadata.builder("voxtral", "transcription").executionMode(PluginExecutionMode.SUBPROCESS).build(),
			PluginMetadata.builder("llama3_cloud", "llm").executionMode(PluginExecutionMode.CLOUD_GPU)
				.configured(true).build(),
			PluginMetadata.builder("llama3_k8s", "llm").executionMode(PluginExecutionMode.KUBERNETES).build(),
			PluginMetadata.builder("whisper_large", "transcription").build());

	@Test
	void byExecutionModeKeepsThePluginsOfThatMode() {
		assertThat(names(PluginFilters.byExecutionMode(this.plugins, PluginExecutionMode.IN_PROCESS)))
			.containsExactly("whisper_tiny", "whisper_large");
		assertThat(names(PluginFilters.byExecutionMode(this.plugins, PluginExecutionMode.SUBPROCESS)))
			.containsExactly("voxtral");
		assertThat(PluginFilters.byExecutionMode(this.plugins, PluginExecutionMode.DOCKER)).isEmpty();
	}

	@Test
	void cloudKeepsRemoteAndCloudPlugins() {
		assertThat(names(PluginFilters.cloud(this.plugins))).containsExactly("llama3_cloud", "llama3_k8s");
	}

	@Test
	void localKeepsPluginsRunningOnThisMachine() {
		assertThat(names(PluginFilters.local(this.plugins))).containsExactly("whisper_tiny", "voxtral",
				"whisper_large");
	}

	@Test
	void configuredKeepsPluginsWithASavedConfig() {
		assertThat(names(PluginFilters.configured(this.plugins))).containsExactly("whisper_tiny", "llama3_cloud");
	}

	@Test
	void unconfiguredKeepsPluginsWithoutASavedConfig() {
		assertThat(names(PluginFilters.unconfigured(this.plugins))).containsExactly("voxtral", "llama3_k8s",
				"whisper_large");
	}

	@Test
	void resultsAreImmutable() {
		List<PluginMetadata> local = PluginFilters.local(this.plugins);
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(local::clear);
	}

	private static List<String> names(List<PluginMetadata> plugins) {
		return plugins.stream().map(PluginMetadata::name).toList();
	}

}
