package dev.unifiedplugins.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PluginExecutionMode}.
 */
class PluginExecutionModeTests {

	private static final Map<PluginExecutionMode, String> VALUES = new LinkedHashMap<>();

	static {
		VALUES.put(PluginExecutionMode.IN_PROCESS, "in_process");
		VALUES.put(PluginExecutionMode.SUBPROCESS, "subprocess");
		VALUES.put(PluginExecutionMode.DOCKER, "docker");
		VALUES.put(PluginExecutionMode.CONDA_ENV, "conda_env");
		VALUES.put(PluginExecutionMode.EXTERNAL_SERVICE, "external");
		VALUES.put(PluginExecutionMode.REMOTE_SSH, "remote_ssh");
		VALUES.put(PluginExecutionMode.CLOUD_VM, "cloud_vm");
		VALUES.put(PluginExecutionMode.CLOUD_CONTAINER, "cloud_container");
		VALUES.put(PluginExecutionMode.CLOUD_SERVERLESS, "cloud_serverless");
		VALUES.put(PluginExecutionMode.CLOUD_GPU, "cloud_gpu");
		VALUES.put(PluginExecutionMode.CLOUD_CPU, "cloud_cpu");
		VALUES.put(PluginExecutionMode.KUBERNETES, "kubernetes");
	}

	@Test
	void constantsAreThoseOfThePythonLibraryInItsOrder() {
		assertThat(PluginExecutionMode.values()).containsExactlyElementsOf(VALUES.keySet());
	}

	@ParameterizedTest
	@EnumSource(PluginExecutionMode.class)
	void valueIsThePythonWireValue(PluginExecutionMode mode) {
		assertThat(mode.value()).isEqualTo(VALUES.get(mode));
	}

	@ParameterizedTest
	@EnumSource(value = PluginExecutionMode.class,
			names = { "IN_PROCESS", "SUBPROCESS", "DOCKER", "CONDA_ENV", "EXTERNAL_SERVICE" })
	void firstFiveModesAreLocal(PluginExecutionMode mode) {
		assertThat(mode.isLocal()).isTrue();
		assertThat(mode.isCloud()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(value = PluginExecutionMode.class, mode = EnumSource.Mode.EXCLUDE,
			names = { "IN_PROCESS", "SUBPROCESS", "DOCKER", "CONDA_ENV", "EXTERNAL_SERVICE" })
	void otherModesAreCloud(PluginExecutionMode mode) {
		assertThat(mode.isCloud()).isTrue();
		assertThat(mode.isLocal()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(PluginExecutionMode.class)
	void fromValueRoundTrips(PluginExecutionMode mode) {
		assertThat(PluginExecutionMode.fromValue(mode.value())).isSameAs(mode);
	}

	@ParameterizedTest
	@ValueSource(strings = { "gpu", "IN_PROCESS", "In_Process", " in_process", "" })
	void fromValueOfAnUnknownValueNamesItAndTheValidValues(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginExecutionMode.fromValue(value))
			.withMessageContaining("'" + value + "'")
			.withMessageContaining(String.join(", ", VALUES.values()));
	}

	@Test
	void jsonFormIsTheValue() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThat(mapper.writeValueAsString(PluginExecutionMode.CLOUD_GPU)).isEqualTo("\"cloud_gpu\"");
		assertThat(mapper.readValue("\"external\"", PluginExecutionMode.class))
			.isEqualTo(PluginExecutionMode.EXTERNAL_SERVICE);
		assertThat(Arrays.stream(PluginExecutionMode.values()).map(mapper::writeValueAsString))
			.allSatisfy((json) -> assertThat(json).matches("\"[a-z_]+\""));
	}

}
