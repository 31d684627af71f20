package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Schemas are copied deeply once, when they enter the model, and then shared.
 */
class JsonCopyTests {

	@Test
	void aSchemaIsCopiedOnceAndThenShared() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("model", new LinkedHashMap<>(Map.of("type", "string")));
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("title", "Whisper");
		schema.put("properties", properties);
		schema.put("required", new ArrayList<>(List.of("model")));
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper").configSchema(schema).build();
		PluginMetadata metadata = PluginMetadata.builder("whisper", "stt").configSchema(descriptor.configSchema()).build();
		assertThat(descriptor.configSchema()).isNotSameAs(schema).isEqualTo(schema);
		assertThat(metadata.configSchema()).isSameAs(descriptor.configSchema());
		assertThat(metadata.withConfigured(true).configSchema()).isSameAs(descriptor.configSchema());
		properties.put("extra", 1);
		assertThat(metadata.configSchema()).extractingByKey("properties").isEqualTo(Map.of("model", Map.of("type", "string")));
	}

	@Test
	void aCopiedSchemaIsUnmodifiableAtEveryDepthAndKeepsOrderAndNulls() {
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("z", 1);
		schema.put("a", null);
		schema.put("nested", new LinkedHashMap<>(Map.of("k", "v")));
		schema.put("list", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("k", "v")))));
		Map<String, Object> copy = PluginDescriptor.builder("p").configSchema(schema).build().configSchema();
		assertThat(copy.keySet()).containsExactly("z", "a", "nested", "list");
		assertThat(copy).containsEntry("a", null);
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> copy.put("b", 2));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> copy.remove("z"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> copy.keySet().clear());
		@SuppressWarnings("unchecked")
		Map<String, Object> nested = (Map<String, Object>) copy.get("nested");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> nested.put("k", "w"));
		@SuppressWarnings("unchecked")
		List<Object> list = (List<Object>) copy.get("list");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> list.add(1));
		assertThat(copy).isEqualTo(schema).hasSameHashCodeAs(schema);
		assertThat(copy.toString()).isEqualTo(schema.toString());
	}

	@Test
	void aCopyRefusesEveryChangeEvenOneThatWouldChangeNothing() {
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("required", new ArrayList<>(List.of("model")));
		schema.put("empty", new ArrayList<>());
		Map<String, Object> copy = Json.immutableCopy(schema);
		assertThat(copy).isUnmodifiable();
		assertThat((List<?>) copy.get("required")).isUnmodifiable();
		assertThat((List<?>) copy.get("empty")).isUnmodifiable();
		assertThat(((List<?>) copy.get("required")).subList(0, 0)).isUnmodifiable();
	}

}
