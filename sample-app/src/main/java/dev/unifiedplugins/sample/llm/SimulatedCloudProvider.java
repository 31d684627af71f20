package dev.unifiedplugins.sample.llm;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.RemoteResourceInfo;

/**
 * An in-memory stand-in for a GPU cloud's API: it rents and terminates instances that
 * exist only in this object, at one hourly price. The sample shows cloud costs with it,
 * without an account or a bill. Thread-safe.
 */
public class SimulatedCloudProvider {

	/** The status of an instance after {@link #terminate(String)}. */
	public static final String TERMINATED = "terminated";

	private final CloudProviderType type;

	private final double pricePerHour;

	private final Map<String, RemoteResourceInfo> instances = new ConcurrentHashMap<>();

	private final AtomicLong instanceCount = new AtomicLong();

	/**
	 * Creates a provider with no instances.
	 * @param type the provider it pretends to be
	 * @param pricePerHour the hourly price in USD of every instance
	 */
	public SimulatedCloudProvider(CloudProviderType type, double pricePerHour) {
		this.type = Objects.requireNonNull(type, "type must not be null");
		if (!Double.isFinite(pricePerHour) || pricePerHour < 0) {
			throw new IllegalArgumentException(
					"pricePerHour must be a finite amount of at least 0, but was " + pricePerHour);
		}
		this.pricePerHour = pricePerHour;
	}

	/**
	 * The provider it pretends to be.
	 * @return the provider type
	 */
	public CloudProviderType getType() {
		return this.type;
	}

	/**
	 * The hourly price of every instance.
	 * @return the price in USD
	 */
	public double getPricePerHour() {
		return this.pricePerHour;
	}

	/**
	 * Rents an instance, which runs at once.
	 * @param region the region to rent in
	 * @param gpuType the GPU model, such as {@code A100}
	 * @param gpuCount the number of GPUs, at least 1
	 * @return the running instance
	 */
	public RemoteResourceInfo launch(String region, String gpuType, int gpuCount) {
		Objects.requireNonNull(region, "region must not be null");
		Objects.requireNonNull(gpuType, "gpuType must not be null");
		if (gpuCount < 1) {
			throw new IllegalArgumentException("gpuCount must be at least 1, but was " + gpuCount);
		}
		String instanceId = "sim-" + this.type.value().replace('_', '-') + "-" + this.instanceCount.incrementAndGet();
		RemoteResourceInfo instance = RemoteResourceInfo.builder(this.type)
			.region(region)
			.instanceId(instanceId)
			// Named the way Lambda Labs names its instance types.
			.resourceType("gpu_" + gpuCount + "x_" + gpuType.toLowerCase(Locale.ROOT))
			.gpuType(gpuType)
			.gpuCount(gpuCount)
			.status(RemoteResourceInfo.RUNNING)
			.estimatedCostPerHour(this.pricePerHour)
			.metadata(Map.of("simulated", true))
			.build();
		this.instances.put(instanceId, instance);
		return instance;
	}

	/**
	 * Looks an instance up.
	 * @param instanceId the instance's id
	 * @return the instance as it is now, or empty when this provider never rented it
	 */
	public Optional<RemoteResourceInfo> describe(String instanceId) {
		return Optional.ofNullable(this.instances.get(instanceId));
	}

	/**
	 * Terminates an instance; terminating it again changes nothing.
	 * @param instanceId the instance's id
	 * @return whether the instance exists, and so is now terminated
	 */
	public boolean terminate(String instanceId) {
		return this.instances.computeIfPresent(instanceId, (id, instance) -> instance.withStatus(TERMINATED)) != null;
	}

}
