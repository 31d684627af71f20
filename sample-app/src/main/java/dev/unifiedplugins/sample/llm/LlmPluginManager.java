package dev.unifiedplugins.sample.llm;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.RemoteResourceInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The {@code llm} category: {@value OllamaLocalPlugin#NAME}, an external service, and
 * {@value Llama3CloudPlugin#NAME}, a GPU rented from a simulated Lambda Labs.
 * <p>
 * Plugins load, and the GPU is provisioned, when the application context starts. Stopping
 * leaves the GPU alone: whether a paid resource ends with the application is the
 * registry's {@code plugins.shutdown.terminate-cloud-resources}, and so that the registry
 * can still reach it, the plugins stay loaded.
 */
public class LlmPluginManager implements PluginManager, SmartLifecycle {

	/** The category this manager registers as. */
	public static final String CATEGORY = "llm";

	private static final Log logger = LogFactory.getLog(LlmPluginManager.class);

	private final OllamaLocalPlugin ollama;

	private final Llama3CloudPlugin llama3;

	private volatile boolean loaded;

	private volatile boolean running;

	/**
	 * Creates the manager; nothing loads until {@link #start()}.
	 * @param ollamaUrl the Ollama server's base URL
	 * @param ollamaModel the model Ollama serves
	 * @param pricePerHour the hourly price in USD of the cloud GPU
	 * @param region the region the cloud GPU is rented in
	 */
	public LlmPluginManager(URI ollamaUrl, String ollamaModel, double pricePerHour, String region) {
		this.ollama = new OllamaLocalPlugin(ollamaUrl, ollamaModel);
		this.llama3 = new Llama3CloudPlugin(new SimulatedCloudProvider(CloudProviderType.LAMBDA_LABS, pricePerHour),
				region);
	}

	@Override
	public String category() {
		return CATEGORY;
	}

	@Override
	public String displayName() {
		return "Language Models";
	}

	@Override
	public List<PluginDescriptor> discoverPlugins() {
		return List.of(OllamaLocalPlugin.DESCRIPTOR, Llama3CloudPlugin.DESCRIPTOR);
	}

	/**
	 * The plugin, once {@link #start()} has loaded it. Loads and provisions nothing.
	 * @param name the plugin's name
	 * @return the instance, or empty before the start or for an unknown name
	 */
	@Override
	public Optional<Object> getPlugin(String name) {
		if (!this.loaded) {
			return Optional.empty();
		}
		return switch (name) {
			case OllamaLocalPlugin.NAME -> Optional.of(this.ollama);
			case Llama3CloudPlugin.NAME -> Optional.of(this.llama3);
			default -> Optional.empty();
		};
	}

	/**
	 * Loads the plugins and provisions the cloud GPU, unless it already runs.
	 */
	@Override
	public void start() {
		RemoteResourceInfo gpu = this.llama3.provisionRemoteResource(Map.of());
		logger.info("Provisioned " + Llama3CloudPlugin.NAME + " on simulated " + gpu.provider().value() + " instance "
				+ gpu.instanceId() + " at " + gpu.estimatedCostPerHour() + " USD per hour");
		this.loaded = true;
		this.running = true;
	}

	/**
	 * Marks the manager stopped; the plugins stay loaded and the GPU keeps running.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
