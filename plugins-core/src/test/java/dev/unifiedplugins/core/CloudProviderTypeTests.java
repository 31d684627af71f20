package dev.unifiedplugins.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CloudProviderType}.
 */
class CloudProviderTypeTests {

	private static final Map<CloudProviderType, String> VALUES = new LinkedHashMap<>();

	static {
		VALUES.put(CloudProviderType.AWS, "aws");
		VALUES.put(CloudProviderType.GCP, "gcp");
		VALUES.put(CloudProviderType.AZURE, "azure");
		VALUES.put(CloudProviderType.LAMBDA_LABS, "lambda_labs");
		VALUES.put(CloudProviderType.RUNPOD, "runpod");
		VALUES.put(CloudProviderType.VAST_AI, "vast_ai");
		VALUES.put(CloudProviderType.PAPERSPACE, "paperspace");
		VALUES.put(CloudProviderType.TOGETHER_AI, "together_ai");
		VALUES.put(CloudProviderType.CUSTOM, "custom");
	}

	@Test
	void constantsAreThoseOfThePythonLibraryInItsOrder() {
		assertThat(CloudProviderType.values()).containsExactlyElementsOf(VALUES.keySet());
	}

	@ParameterizedTest
	@EnumSource(CloudProviderType.class)
	void valueIsThePythonWireValue(CloudProviderType type) {
		assertThat(type.value()).isEqualTo(VALUES.get(type));
	}

	@ParameterizedTest
	@EnumSource(CloudProviderType.class)
	void fromValueRoundTrips(CloudProviderType type) {
		assertThat(CloudProviderType.fromValue(type.value())).isSameAs(type);
	}

	@Test
	void fromValueOfAnUnknownValueNamesItAndTheValidValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> CloudProviderType.fromValue("oracle"))
			.withMessageContaining("'oracle'")
			.withMessageContaining(String.join(", ", VALUES.values()));
	}

	@Test
	void jsonFormIsTheValue() {
		JsonMapper mapper = JsonMapper.builder().build();
		assertThat(mapper.writeValueAsString(CloudProviderType.LAMBDA_LABS)).isEqualTo("\"lambda_labs\"");
		assertThat(mapper.readValue("\"vast_ai\"", CloudProviderType.class)).isEqualTo(CloudProviderType.VAST_AI);
	}

}
