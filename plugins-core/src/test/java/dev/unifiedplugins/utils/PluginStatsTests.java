package dev.unifiedplugins.utils;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PluginStats}.
 */
class PluginStatsTests {

	@Test
	void countsThreePlugins() {
		PluginStats stats = PluginStats.of(List.of(
				PluginMetadata.builder("whisper_tiny", "transcription").configured(true).build(),
				PluginMetadata.builder("whisper_large", "transcription").executionMode(PluginExecutionMode.SUBPROCESS)
					.build(),
				PluginMetadata.builder("llama3_cloud", "llm").executionMode(PluginExecutionMode.CLOUD_GPU)
					.configured(true).build()));
		assertThat(stats).isEqualTo(new PluginStats(3, 2, 1, 2, 1, 0, Map.of("llm", 1, "transcription", 2)));
	}

	@Test
	void byCategoryIsSortedByCategoryWhateverTheInputOrder() {
		PluginStats stats = PluginStats.of(List.of(PluginMetadata.builder("a", "transcription").build(),
				PluginMetadata.builder("b", "llm").build(), PluginMetadata.builder("c", "transcription").build(),
				PluginMetadata.builder("d", "finetuning").build(), PluginMetadata.builder("e", "llm").build()));
		assertThat(stats.byCategory()).containsExactly(Map.entry("finetuning", 1), Map.entry("llm", 2),
				Map.entry("transcription", 2));
		assertThat(stats.total()).isEqualTo(5);
	}

	@Test
	void countsPluginsWithActiveResources() {
		RemoteResourceInfo running = RemoteResourceInfo.builder(CloudProviderType.RUNPOD).status("running").build();
		PluginStats stats = PluginStats.of(List.of(
				PluginMetadata.builder("a", "x").spawnedPids(List.of(10L)).build(),
				PluginMetadata.builder("b", "x").containerId("c0ffee").build(),
				PluginMetadata.builder("c", "x").remoteResource(running).build(),
				PluginMetadata.builder("d", "x").remoteResource(running.withStatus("stopped")).build(),
				PluginMetadata.builder("e", "x").build()));
		assertThat(stats.withActiveResources()).isEqualTo(3);
	}

	@Test
	void noPluginsGiveZeroCounts() {
		assertThat(PluginStats.of(List.of())).isEqualTo(new PluginStats(0, 0, 0, 0, 0, 0, Map.of()));
	}

	@Test
	void byCategoryIsImmutable() {
		PluginStats stats = PluginStats.of(List.of(PluginMetadata.builder("a", "llm").build()));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> stats.byCategory().put("x", 1));
	}

	@Test
	void countsWhatTheRegistryReports(@TempDir Path configDir) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(configDir);
		registry.registerPluginManager("transcription", TestPluginManager.of("whisper_tiny", "whisper_large"));
		registry.registerPluginManager("llm", new TestPluginManager(
				PluginDescriptor.builder("llama3_cloud").executionMode(PluginExecutionMode.CLOUD_GPU).build()));
		registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"));
		registry.savePluginConfig("llm_llama3_cloud", Map.of("gpu", "A100"));
		PluginStats stats = PluginStats.of(registry.getAllPlugins());
		assertThat(stats).isEqualTo(new PluginStats(3, 2, 1, 2, 1, 0, Map.of("llm", 1, "transcription", 2)));
	}

}
