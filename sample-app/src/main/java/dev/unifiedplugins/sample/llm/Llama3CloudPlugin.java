package dev.unifiedplugins.sample.llm;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Llama 3 on a GPU rented from a cloud, here a {@link SimulatedCloudProvider}. It costs
 * the provider's hourly price while its instance runs. It describes itself with
 * {@link PluginInfo}; its schema is generated from {@link Llama3CloudConfig}, and the
 * saved configuration, handed to {@link #configure}, says what the next GPU is rented as.
 * <p>
 * It is deliberately not lifecycle-aware: the registry's shutdown cleanup must not end a
 * paid resource by itself; terminating it is the decision of
 * {@code plugins.shutdown.terminate-cloud-resources}.
 */
@PluginInfo(name = Llama3CloudPlugin.NAME, version = "1.0.0", title = "Llama 3 70B (cloud GPU)",
		description = "Llama 3 served from a rented cloud GPU. The provider is simulated: nothing is rented or billed.",
		executionMode = PluginExecutionMode.CLOUD_GPU, managesExternalResources = true)
public class Llama3CloudPlugin implements LlmPlugin, CloudAwarePlugin, ConfigurablePlugin<Llama3CloudConfig> {

	private static final Log logger = LogFactory.getLog(Llama3CloudPlugin.class);

	/** The plugin's name in its category. */
	public static final String NAME = "llama3_cloud";

	/** The most H100 GPUs the provider rents at a time. */
	static final int MAX_H100 = 4;

	/** The status reported before anything is provisioned. */
	public static final String NOT_PROVISIONED = "not_provisioned";

	private final SimulatedCloudProvider provider;

	private final String defaultRegion;

	private final Clock clock;

	private volatile Llama3CloudConfig config = Llama3CloudConfig.DEFAULTS;

	private volatile @Nullable String instanceId;

	private volatile @Nullable Instant lastActivity;

	/**
	 * Creates the plugin; nothing is rented until it is provisioned.
	 * @param provider the cloud to rent from
	 * @param defaultRegion the region to rent in when the configuration names none
	 */
	public Llama3CloudPlugin(SimulatedCloudProvider provider, String defaultRegion) {
		this(provider, defaultRegion, Clock.systemUTC());
	}

	/**
	 * Creates the plugin; nothing is rented until it is provisioned.
	 * @param provider the cloud to rent from
	 * @param defaultRegion the region to rent in when the configuration names none
	 * @param clock what tells the time of its activity
	 */
	public Llama3CloudPlugin(SimulatedCloudProvider provider, String defaultRegion, Clock clock) {
		this.provider = Objects.requireNonNull(provider, "provider must not be null");
		this.defaultRegion = Objects.requireNonNull(defaultRegion, "defaultRegion must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	/**
	 * Takes the settings of the next GPU rented; one already running is kept.
	 * @param config the saved configuration over the schema's defaults
	 */
	@Override
	public void configure(Llama3CloudConfig config) {
		this.config = Objects.requireNonNull(config, "config must not be null");
	}

	/**
	 * Refuses what the provider would refuse at the next rental, before it is saved: the
	 * schema allows up to 8 GPUs, the provider rents H100s at most 4 at a time.
	 */
	@Override
	public void validate(Llama3CloudConfig config) {
		if (config.gpuType() == Llama3CloudConfig.GpuType.H100 && config.gpuCount() > MAX_H100) {
			throw new IllegalArgumentException("the provider rents at most " + MAX_H100 + " H100 GPUs at a time");
		}
	}

	/**
	 * Generates a completion on the rented GPU, renting one first when none runs (after an
	 * idle termination, say). Each call is activity, which keeps the GPU from being
	 * terminated as idle. The model is simulated: the completion is canned.
	 * @param prompt the prompt
	 * @return the completion and the instance that served it
	 */
	public Generation generate(String prompt) {
		Objects.requireNonNull(prompt, "prompt must not be null");
		RemoteResourceInfo gpu = provisionRemoteResource(Map.of());
		this.lastActivity = this.clock.instant();
		String completion = "(simulated Llama 3 on " + gpu.gpuType() + ") You said: " + prompt;
		return new Generation(completion, Objects.requireNonNull(gpu.instanceId()), gpu.estimatedCostPerHour());
	}

	/**
	 * When {@link #generate(String)} was last called.
	 * @return the last generation, or empty when there was none
	 */
	@Override
	public Optional<Instant> getLastActivity() {
		return Optional.ofNullable(this.lastActivity);
	}

	/**
	 * The resource as the provider reports it now; a terminated one stays visible, as
	 * terminated.
	 */
	@Override
	public @Nullable RemoteResourceInfo getRemoteResourceInfo() {
		String id = this.instanceId;
		return (id != null) ? this.provider.describe(id).orElse(null) : null;
	}

	/**
	 * Rents an instance, or returns the one already running rather than paying twice.
	 * @param config optional {@code region}, {@code gpu_type} and {@code gpu_count}, as in
	 * the plugin's configuration schema; each one missing is taken from the configuration
	 * handed to {@link #configure}, else its default
	 */
	@Override
	public synchronized RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
		RemoteResourceInfo current = getRemoteResourceInfo();
		if (current != null && current.isRunning()) {
			return current;
		}
		Llama3CloudConfig configured = this.config;
		String region = (configured.region() != null) ? configured.region() : this.defaultRegion;
		RemoteResourceInfo instance = this.provider.launch(setting(config, "region", String.class, region),
				setting(config, "gpu_type", String.class, configured.gpuType().name()),
				setting(config, "gpu_count", Number.class, configured.gpuCount()).intValue());
		this.instanceId = instance.instanceId();
		return instance;
	}

	@Override
	public String checkRemoteResourceStatus() {
		RemoteResourceInfo current = getRemoteResourceInfo();
		return (current != null) ? current.status() : NOT_PROVISIONED;
	}

	/**
	 * Logs where a real plugin would save its state (a fine-tune's checkpoint, a session's
	 * cache) before the registry terminates the instance.
	 */
	@Override
	public void beforeTerminate(PluginCloudResourceTerminated.Reason reason) {
		logger.info("Checkpoint of " + this.instanceId + " saved before its termination (" + reason + ")");
	}

	/**
	 * Terminates the instance.
	 * @return true when no instance of this plugin is left running
	 */
	@Override
	public synchronized boolean terminateRemoteResource() {
		String id = this.instanceId;
		return id == null || this.provider.terminate(id);
	}

	/**
	 * The cost of keeping the instance for a duration: the hourly price times the hours
	 * while it runs, nothing otherwise.
	 */
	@Override
	public double estimateCost(double durationHours) {
		if (!Double.isFinite(durationHours) || durationHours < 0) {
			throw new IllegalArgumentException("durationHours must be a finite number of at least 0, but was "
					+ durationHours);
		}
		RemoteResourceInfo current = getRemoteResourceInfo();
		Double pricePerHour = (current != null && current.isRunning()) ? current.estimatedCostPerHour() : null;
		return (pricePerHour != null) ? pricePerHour * durationHours : 0;
	}

	/**
	 * A completion and where it was computed.
	 *
	 * @param completion the generated text
	 * @param instanceId the GPU instance that served it
	 * @param pricePerHour what that instance costs per hour, in USD
	 */
	public record Generation(String completion, String instanceId, @Nullable Double pricePerHour) {
	}

	private static <T> T setting(Map<String, Object> config, String key, Class<T> type, T defaultValue) {
		Object value = config.get(key);
		if (value == null) {
			return defaultValue;
		}
		if (!type.isInstance(value)) {
			throw new IllegalArgumentException("Setting '" + key + "' of " + NAME + " must be a "
					+ type.getSimpleName().toLowerCase(Locale.ROOT) + ", but was " + value);
		}
		return type.cast(value);
	}

}
