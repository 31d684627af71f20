package dev.unifiedplugins.testsupport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A simulated cloud resource that a test starts, stops and prices; its termination may be
 * made to fail a number of times.
 */
public class SimulatedCloudPlugin implements CloudAwarePlugin {

	public final AtomicInteger terminations = new AtomicInteger();

	public volatile boolean running = true;

	public volatile double price;

	public volatile String instanceId = "i-1";

	public volatile @Nullable Instant lastActivity;

	public volatile int failures;

	/** Run by each termination before it succeeds, to hold it or observe it. */
	public volatile Runnable onTerminate = () -> {
	};

	/** Run by each {@code beforeTerminate}, to hold it, fail it or observe it. */
	public volatile Consumer<Reason> onBeforeTerminate = (reason) -> {
	};

	public SimulatedCloudPlugin(double price) {
		this.price = price;
	}

	/**
	 * {@return running resources by plugin name, in the order given}
	 * @param namesAndPrices a name, then its hourly price (a {@code Double}), and so on
	 */
	public static Map<String, SimulatedCloudPlugin> priced(Object... namesAndPrices) {
		Map<String, SimulatedCloudPlugin> resources = new LinkedHashMap<>();
		for (int i = 0; i < namesAndPrices.length; i += 2) {
			resources.put((String) namesAndPrices[i], new SimulatedCloudPlugin((Double) namesAndPrices[i + 1]));
		}
		return resources;
	}

	@Override
	public @Nullable RemoteResourceInfo getRemoteResourceInfo() {
		return RemoteResourceInfo.builder(CloudProviderType.AWS)
			.instanceId(this.instanceId)
			.status(this.running ? RemoteResourceInfo.RUNNING : "terminated")
			.estimatedCostPerHour(this.price)
			.build();
	}

	@Override
	public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
		this.running = true;
		return getRemoteResourceInfo();
	}

	@Override
	public String checkRemoteResourceStatus() {
		return getRemoteResourceInfo().status();
	}

	@Override
	public boolean terminateRemoteResource() {
		if (this.failures > 0) {
			this.failures--;
			throw new IllegalStateException("simulated outage");
		}
		this.onTerminate.run();
		this.terminations.incrementAndGet();
		this.running = false;
		return true;
	}

	@Override
	public void beforeTerminate(Reason reason) {
		this.onBeforeTerminate.accept(reason);
	}

	@Override
	public double estimateCost(double durationHours) {
		return this.running ? this.price * durationHours : 0;
	}

	@Override
	public Optional<Instant> getLastActivity() {
		return Optional.ofNullable(this.lastActivity);
	}

}
