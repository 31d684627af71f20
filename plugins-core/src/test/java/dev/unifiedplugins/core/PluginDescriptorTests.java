package dev.unifiedplugins.core;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PluginDescriptor}.
 */
class PluginDescriptorTests {

	@Test
	void builderDefaults() {
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper_tiny").build();
		assertThat(descriptor.name()).isEqualTo("whisper_tiny");
		assertThat(descriptor.version()).isNull();
		assertThat(descriptor.title()).isNull();
		assertThat(descriptor.description()).isNull();
		assertThat(descriptor.configSchema()).isEmpty();
		assertThat(descriptor.executionMode()).isEqualTo(PluginExecutionMode.IN_PROCESS);
		assertThat(descriptor.managesChildProcesses()).isFalse();
		assertThat(descriptor.managesExternalResources()).isFalse();
	}

	@Test
	void schemaIsAnImmutableCopy() {
		Map<String, Object> schema = new HashMap<>(Map.of("title", "T"));
		PluginDescriptor descriptor = PluginDescriptor.builder("p").configSchema(schema).build();
		schema.put("title", "changed");
		assertThat(descriptor.configSchema()).containsEntry("title", "T");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> descriptor.configSchema().put("x", 1));
	}

	@Test
	void nameIsRequired() {
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> PluginDescriptor.builder(null))
			.withMessageContaining("name");
	}

}
