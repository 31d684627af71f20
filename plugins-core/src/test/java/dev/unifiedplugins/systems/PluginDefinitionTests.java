package dev.unifiedplugins.systems;

import java.util.Map;

import dev.unifiedplugins.core.PluginExecutionMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PluginDefinitionTests {

	@BeforeEach
	void reset() {
		Greeters.reset();
	}

	@Test
	void annotatedClassIsDescribedFromItsAnnotationWithoutAnInstance() {
		PluginDefinition definition = PluginDefinition.of(EnglishGreeter.class);
		assertThat(definition.descriptor().name()).isEqualTo("english");
		assertThat(definition.descriptor().version()).isEqualTo("1.2.0");
		assertThat(definition.descriptor().title()).isEqualTo("English");
		assertThat(definition.descriptor().description()).isEqualTo("Greets in English");
		assertThat(definition.implementation()).isEqualTo(EnglishGreeter.class);
		assertThat(Greeters.created("english")).isZero();
	}

	@Test
	void configClassDefaultsToTheTypeArgumentOfConfigurablePlugin() {
		PluginDefinition definition = PluginDefinition.of(EnglishGreeter.class);
		assertThat(definition.configClass()).isEqualTo(GreeterConfig.class);
		@SuppressWarnings("unchecked")
		Map<String, Object> properties = (Map<String, Object>) definition.descriptor().configSchema().get("properties");
		assertThat(properties).containsOnlyKeys("greeting", "repeat");
		assertThat(properties.get("greeting")).isEqualTo(Map.of("type", "string", "default", "Hello"));
	}

	@Test
	void annotatedConfigClassWinsOverTheTypeArgument() {
		assertThat(PluginDefinition.of(WithNarrowerConfig.class).configClass()).isEqualTo(OtherConfig.class);
	}

	@Test
	void anAnnotatedConfigClassThatConfigureCannotTakeIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginDefinition.of(WithOtherConfig.class))
			.withMessageContaining(WithOtherConfig.class.getName())
			.withMessageContaining("OtherConfig");
	}

	@Test
	void nameDefaultsToTheSimpleNameInSnakeCaseWithItsSuffix() {
		PluginDefinition definition = PluginDefinition.of(WhisperLocalPlugin.class);
		assertThat(definition.descriptor().name()).isEqualTo("whisper_local_plugin");
		assertThat(definition.descriptor().executionMode()).isEqualTo(PluginExecutionMode.SUBPROCESS);
		assertThat(definition.configClass()).isNull();
		assertThat(definition.descriptor().configSchema()).isEmpty();
	}

	@Test
	void classWithoutAnnotationIsNamedAfterItsClass() {
		assertThat(PluginDefinition.of(Plain.class).descriptor().name()).isEqualTo("plain");
	}

	@Test
	void snakeCaseSplitsWordsAcronymsAndDigits() {
		assertThat(PluginDefinition.snakeCase("WhisperLocalPlugin")).isEqualTo("whisper_local_plugin");
		assertThat(PluginDefinition.snakeCase("HTTPServer")).isEqualTo("http_server");
		assertThat(PluginDefinition.snakeCase("Llama3Cloud")).isEqualTo("llama3_cloud");
		assertThat(PluginDefinition.snakeCase("Plain")).isEqualTo("plain");
	}

	@Test
	void staticDescriptorMethodDescribesAClassThatComputesItWithoutAnInstance() {
		PluginDefinition definition = PluginDefinition.of(ComputedGreeter.class);
		assertThat(definition.descriptor().name()).isEqualTo("computed");
		assertThat(definition.descriptor().version()).isEqualTo("0." + Runtime.version().feature());
		assertThat(definition.descriptor().executionMode()).isEqualTo(PluginExecutionMode.SUBPROCESS);
		assertThat(Greeters.created("computed")).isZero();
	}

	@Test
	void aClassNamesItselfByItsAnnotationOrItsDescriptorMethodOnly() {
		assertThat(PluginDefinition.namesItself(ComputedGreeter.class)).isTrue();
		assertThat(PluginDefinition.namesItself(WhisperLocalPlugin.class)).as("annotated without a name").isFalse();
		assertThat(PluginDefinition.namesItself(Plain.class)).isFalse();
		assertThat(PluginDefinition.namesItself(WrongDescriptorMethod.class)).isFalse();
	}

	@Test
	void withNameChangesTheNameOnly() {
		PluginDefinition definition = PluginDefinition.of(WhisperLocalPlugin.class);
		PluginDefinition renamed = definition.withName("whisperBean");
		assertThat(renamed.descriptor().name()).isEqualTo("whisperBean");
		assertThat(renamed.descriptor().executionMode()).isEqualTo(definition.descriptor().executionMode());
		assertThat(renamed.implementation()).isEqualTo(definition.implementation());
		assertThat(renamed.configClass()).isEqualTo(definition.configClass());
	}

	static class WrongDescriptorMethod {

		public static String pluginDescriptor() {
			return "not a descriptor";
		}

	}

	@PluginInfo(executionMode = PluginExecutionMode.SUBPROCESS)
	static class WhisperLocalPlugin {

	}

	static class Plain {

	}

	record OtherConfig(String value) {
	}

	@PluginInfo(configClass = OtherConfig.class)
	static class WithOtherConfig implements ConfigurablePlugin<GreeterConfig> {

		@Override
		public void configure(GreeterConfig config) {
		}

	}

	@PluginInfo(configClass = OtherConfig.class)
	static class WithNarrowerConfig implements ConfigurablePlugin<Record> {

		@Override
		public void configure(Record config) {
		}

	}

}
