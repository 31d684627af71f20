package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PluginMetadata}.
 */
class PluginMetadataTests {

	@Test
	void builderDefaults() {
		PluginMetadata metadata = PluginMetadata.builder("whisper_tiny", "transcription").build();
		assertThat(metadata.name()).isEqualTo("whisper_tiny");
		assertThat(metadata.category()).isEqualTo("transcription");
		assertThat(metadata.title()).isEqualTo("whisper_tiny");
		assertThat(metadata.configSchema()).isEmpty();
		assertThat(metadata.description()).isNull();
		assertThat(metadata.version()).isNull();
		assertThat(metadata.configured()).isFalse();
		assertThat(metadata.executionMode()).isEqualTo(PluginExecutionMode.IN_PROCESS);
		assertThat(metadata.managesChildProcesses()).isFalse();
		assertThat(metadata.managesExternalResources()).isFalse();
		assertThat(metadata.spawnedPids()).isEmpty();
		assertThat(metadata.containerId()).isNull();
		assertThat(metadata.condaEnvName()).isNull();
		assertThat(metadata.remoteResource()).isNull();
		assertThat(metadata.hasActiveResources()).isFalse();
	}

	@Test
	void uniqueIdIsCategoryUnderscoreName() {
		assertThat(PluginMetadata.builder("whisper_tiny", "transcription").build().uniqueId())
			.isEqualTo("transcription_whisper_tiny");
	}

	@ParameterizedTest
	@EnumSource(PluginExecutionMode.class)
	void executionIsLocalOrCloudAsItsMode(PluginExecutionMode mode) {
		PluginMetadata metadata = PluginMetadata.builder("p", "c").executionMode(mode).build();
		assertThat(metadata.isLocalExecution()).isEqualTo(mode.isLocal());
		assertThat(metadata.isCloudExecution()).isEqualTo(mode.isCloud());
		assertThat(metadata.isLocalExecution()).isNotEqualTo(metadata.isCloudExecution());
	}

	@Test
	void spawnedPidMeansActiveResources() {
		assertThat(PluginMetadata.builder("p", "c").spawnedPids(List.of(4242L)).build().hasActiveResources())
			.isTrue();
	}

	@Test
	void containerMeansActiveResources() {
		assertThat(PluginMetadata.builder("p", "c").containerId("f00d").build().hasActiveResources()).isTrue();
	}

	@Test
	void onlyARunningRemoteResourceMeansActiveResources() {
		RemoteResourceInfo remote = RemoteResourceInfo.builder(CloudProviderType.RUNPOD).status("running").build();
		assertThat(PluginMetadata.builder("p", "c").remoteResource(remote).build().hasActiveResources()).isTrue();
		assertThat(PluginMetadata.builder("p", "c")
			.remoteResource(remote.withStatus("terminated"))
			.build()
			.hasActiveResources()).isFalse();
	}

	@Test
	void condaEnvironmentAloneIsNoActiveResource() {
		assertThat(PluginMetadata.builder("p", "c").condaEnvName("whisper").build().hasActiveResources()).isFalse();
	}

	@Test
	void withConfiguredChangesOnlyTheFlag() {
		PluginMetadata metadata = PluginMetadata.builder("whisper_tiny", "transcription")
			.title("Whisper Tiny")
			.version("1.0.0")
			.configSchema(Map.of("type", "object"))
			.spawnedPids(List.of(7L))
			.build();
		PluginMetadata configured = metadata.withConfigured(true);
		assertThat(configured.configured()).isTrue();
		assertThat(metadata.configured()).isFalse();
		assertThat(configured).usingRecursiveComparison().ignoringFields("configured").isEqualTo(metadata);
		assertThat(configured.withConfigured(false)).isEqualTo(metadata);
	}

	@Test
	void collectionsAreImmutable() {
		PluginMetadata metadata = PluginMetadata.builder("p", "c")
			.configSchema(new HashMap<>(Map.of("properties", new HashMap<>(Map.of("device", Map.of())))))
			.spawnedPids(new ArrayList<>(List.of(1L, 2L)))
			.remoteResource(RemoteResourceInfo.builder(CloudProviderType.AWS)
				.metadata(new HashMap<>(Map.of("zone", "a")))
				.build())
			.build();
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> metadata.configSchema().put("title", "x"));
		@SuppressWarnings("unchecked")
		Map<String, Object> properties = (Map<String, Object>) metadata.configSchema().get("properties");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> properties.put("n", Map.of()));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> metadata.spawnedPids().add(3L));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> metadata.remoteResource().metadata().put("zone", "b"));
	}

	@Test
	void changingTheSourceCollectionsAfterBuildingDoesNotChangeTheRecord() {
		Map<String, Object> nested = new HashMap<>(Map.of("type", "string"));
		Map<String, Object> schema = new HashMap<>(Map.of("title", "T", "device", nested));
		List<Long> pids = new ArrayList<>(List.of(1L));
		Map<String, Object> remoteMetadata = new HashMap<>(Map.of("zone", "a"));
		PluginMetadata metadata = PluginMetadata.builder("p", "c")
			.configSchema(schema)
			.spawnedPids(pids)
			.remoteResource(RemoteResourceInfo.builder(CloudProviderType.AWS).metadata(remoteMetadata).build())
			.build();
		schema.put("title", "changed");
		nested.put("type", "number");
		pids.add(2L);
		remoteMetadata.put("zone", "b");
		assertThat(metadata.configSchema()).containsEntry("title", "T")
			.containsEntry("device", Map.of("type", "string"));
		assertThat(metadata.spawnedPids()).containsExactly(1L);
		assertThat(metadata.remoteResource().metadata()).containsEntry("zone", "a");
	}

	@Test
	void schemaKeepsKeyOrderAndNullValues() {
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("type", "object");
		schema.put("title", "T");
		schema.put("default", null);
		schema.put("additionalProperties", false);
		PluginMetadata metadata = PluginMetadata.builder("p", "c").configSchema(schema).build();
		assertThat(metadata.configSchema().keySet()).containsExactly("type", "title", "default",
				"additionalProperties");
		assertThat(metadata.configSchema()).containsEntry("default", null);
	}

	@Test
	void constructorFillsDefaultsForNulls() {
		PluginMetadata metadata = new PluginMetadata("p", "c", null, null, null, null, false, null, false, false, null,
				null, null, null);
		assertThat(metadata.title()).isEqualTo("p");
		assertThat(metadata.configSchema()).isEmpty();
		assertThat(metadata.executionMode()).isEqualTo(PluginExecutionMode.IN_PROCESS);
		assertThat(metadata.spawnedPids()).isEmpty();
	}

}
