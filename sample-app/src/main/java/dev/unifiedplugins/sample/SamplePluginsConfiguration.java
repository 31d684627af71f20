package dev.unifiedplugins.sample;

import java.util.Map;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.sample.llm.Llama3CloudConfig;
import dev.unifiedplugins.sample.llm.Llama3CloudPlugin;
import dev.unifiedplugins.sample.llm.OllamaConfig;
import dev.unifiedplugins.sample.llm.OllamaLocalPlugin;
import dev.unifiedplugins.sample.llm.SimulatedCloudProvider;
import dev.unifiedplugins.sample.transcription.TranscriptionPluginManager;
import dev.unifiedplugins.sample.transcription.WhisperConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's two plugin systems, written the two ways the library offers.
 * <ul>
 * <li>{@code transcription} has a hand-written manager, a plain bean: the
 * unified-plugins starter registers every {@code PluginManager} bean as a category by
 * itself. It shows the {@code PluginManager} interface, and starts and ends a worker
 * process.</li>
 * <li>{@code llm} is a ready-made plugin system declared in {@code application.yml}
 * ({@code plugins.systems.llm.type}): its plugins are the beans below that implement
 * {@code LlmPlugin}, in the order they are declared, each described by its
 * {@code @PluginInfo} and configured through {@code ConfigurablePlugin}. They are loaded
 * at start ({@code load-on-start}); the cloud GPU is then rented.</li>
 * </ul>
 * A plugin's configuration class is read by reflection: its schema is generated from it
 * and saved configurations are bound to it. A native image needs that registered, which
 * {@code @RegisterReflectionForBinding} does (nested types such as its enum included).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SampleProperties.class)
@RegisterReflectionForBinding({ WhisperConfig.class, OllamaConfig.class, Llama3CloudConfig.class })
public class SamplePluginsConfiguration {

	private static final Log logger = LogFactory.getLog(SamplePluginsConfiguration.class);

	@Bean
	TranscriptionPluginManager transcriptionPluginManager(SampleProperties properties) {
		SampleProperties.Worker worker = properties.transcription().worker();
		return new TranscriptionPluginManager(worker.enabled(), worker.startupTimeout());
	}

	@Bean
	OllamaLocalPlugin ollamaLocalPlugin(SampleProperties properties) {
		return new OllamaLocalPlugin(properties.ollama().url(), properties.ollama().model());
	}

	@Bean
	Llama3CloudPlugin llama3CloudPlugin(SampleProperties properties) {
		return new Llama3CloudPlugin(
				new SimulatedCloudProvider(CloudProviderType.LAMBDA_LABS, properties.cloud().pricePerHour()),
				properties.cloud().region());
	}

	/**
	 * Rents the cloud GPU once the application has started, after the registry loaded and
	 * configured the plugin (and without the registry too), unless one already runs.
	 * Nothing ends it with the application: that is the registry's
	 * {@code plugins.shutdown.terminate-cloud-resources}.
	 */
	@Bean
	ApplicationRunner cloudGpuAtStart(Llama3CloudPlugin llama3) {
		return (args) -> {
			RemoteResourceInfo gpu = llama3.provisionRemoteResource(Map.of());
			logger.info("Provisioned " + Llama3CloudPlugin.NAME + " on simulated " + gpu.provider().value()
					+ " instance " + gpu.instanceId() + " at " + gpu.estimatedCostPerHour() + " USD per hour");
		};
	}

}
