package dev.unifiedplugins.sample;

import dev.unifiedplugins.sample.llm.LlmPluginManager;
import dev.unifiedplugins.sample.transcription.TranscriptionPluginManager;
import dev.unifiedplugins.sample.transcription.WhisperConfig;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's plugin managers. They are plain beans: the unified-plugins starter
 * registers every {@code PluginManager} bean as a category by itself.
 * <p>
 * A plugin's configuration class is read by reflection: its schema is generated from it
 * and saved configurations are bound to it. A native image needs that registered, which
 * {@code @RegisterReflectionForBinding} does (nested types such as its enum included).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SampleProperties.class)
@RegisterReflectionForBinding(WhisperConfig.class)
public class SamplePluginsConfiguration {

	@Bean
	TranscriptionPluginManager transcriptionPluginManager(SampleProperties properties) {
		SampleProperties.Worker worker = properties.transcription().worker();
		return new TranscriptionPluginManager(worker.enabled(), worker.startupTimeout());
	}

	@Bean
	LlmPluginManager llmPluginManager(SampleProperties properties) {
		return new LlmPluginManager(properties.ollama().url(), properties.ollama().model(),
				properties.cloud().pricePerHour(), properties.cloud().region());
	}

}
