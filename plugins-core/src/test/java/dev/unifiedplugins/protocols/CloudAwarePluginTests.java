package dev.unifiedplugins.protocols;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link CloudAwarePlugin} and the registry's view of a cloud-aware plugin, with
 * a simulated GPU provider.
 */
class CloudAwarePluginTests {

	private static final double HOURLY_USD = 4.40;

	@Test
	void totalCostSumsTheRunningPlugins() {
		List<SimulatedGpuPlugin> plugins = List.of(running("a"), running("b"));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(plugins, 1)).isCloseTo(8.80, within(1e-9));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(plugins, 24)).isCloseTo(211.20, within(1e-9));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(plugins, 0.5)).isCloseTo(4.40, within(1e-9));
	}

	@Test
	void terminatedPluginCostsNothing() {
		SimulatedGpuPlugin terminated = running("c");
		assertThat(terminated.terminateRemoteResource()).isTrue();
		assertThat(terminated.checkRemoteResourceStatus()).isEqualTo("terminated");
		assertThat(CloudAwarePlugin.hasActiveCloudResources(terminated)).isFalse();
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(running("a"), running("b"), terminated), 1))
			.isCloseTo(8.80, within(1e-9));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(terminated), 24)).isZero();
	}

	@Test
	void pluginWithoutResourceOrNotYetRunningCostsNothing() {
		SimulatedGpuPlugin unprovisioned = new SimulatedGpuPlugin();
		SimulatedGpuPlugin provisioning = new SimulatedGpuPlugin();
		provisioning.provisionRemoteResource(Map.of("instance", "p"));
		provisioning.status("provisioning");
		assertThat(CloudAwarePlugin.hasActiveCloudResources(unprovisioned)).isFalse();
		assertThat(CloudAwarePlugin.hasActiveCloudResources(provisioning)).isFalse();
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(unprovisioned, provisioning), 1)).isZero();
	}

	@Test
	void runningPluginHasActiveCloudResources() {
		assertThat(CloudAwarePlugin.hasActiveCloudResources(running("a"))).isTrue();
		assertThat(CloudAwarePlugin.isCloudAware(running("a"))).isTrue();
	}

	@Test
	void objectsThatAreNotCloudAwareAreIgnored() {
		List<Object> mixed = Arrays.asList(running("a"), "llm_llama3", 42, new Object(), null,
				new LifecycleAwarePluginTests.FixedPidsPlugin(List.of()), running("b"));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(mixed, 1)).isCloseTo(8.80, within(1e-9));
		assertThat(CloudAwarePlugin.isCloudAware("llm_llama3")).isFalse();
		assertThat(CloudAwarePlugin.isCloudAware(null)).isFalse();
		assertThat(CloudAwarePlugin.hasActiveCloudResources(new Object())).isFalse();
		assertThat(CloudAwarePlugin.hasActiveCloudResources(null)).isFalse();
	}

	@Test
	void noPluginsCostNothing() {
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(), 24)).isZero();
	}

	@Test
	void registryShowsTheRemoteResourceOfALoadedPlugin(@TempDir Path configDir) {
		SimulatedGpuPlugin plugin = new SimulatedGpuPlugin();
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(configDir);
		registry.registerPluginManager("llm",
				new TestPluginManager(PluginDescriptor.builder("llama3_cloud")
					.executionMode(PluginExecutionMode.CLOUD_GPU)
					.managesExternalResources(true)
					.build(), PluginDescriptor.builder("llama3_local").build()).withInstance("llama3_cloud", plugin));
		assertThat(registry.getPlugin("llm_llama3_cloud").orElseThrow().remoteResource()).isNull();
		assertThat(registry.getPlugin("llm_llama3_cloud").orElseThrow().hasActiveResources()).isFalse();

		plugin.provisionRemoteResource(Map.of("instance", "i-42"));
		PluginMetadata running = registry.getPlugin("llm_llama3_cloud").orElseThrow();
		assertThat(running.remoteResource()).isEqualTo(plugin.getRemoteResourceInfo());
		assertThat(running.remoteResource().estimatedCostPerHour()).isEqualTo(HOURLY_USD);
		assertThat(running.hasActiveResources()).isTrue();
		assertThat(running.isCloudExecution()).isTrue();
		List<Object> instances = registry.getAllPlugins()
			.stream()
			.flatMap((metadata) -> registry.getPluginInstance(metadata.uniqueId()).stream())
			.toList();
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(instances, 1)).isCloseTo(4.40, within(1e-9));

		plugin.terminateRemoteResource();
		PluginMetadata terminated = registry.getPlugin("llm_llama3_cloud").orElseThrow();
		assertThat(terminated.remoteResource().status()).isEqualTo("terminated");
		assertThat(terminated.hasActiveResources()).isFalse();
	}

	private static SimulatedGpuPlugin running(String instance) {
		SimulatedGpuPlugin plugin = new SimulatedGpuPlugin();
		RemoteResourceInfo resource = plugin.provisionRemoteResource(Map.of("instance", instance));
		assertThat(resource.isRunning()).isTrue();
		return plugin;
	}

	/** A plugin on a simulated GPU cloud at 4.40 USD an hour; no real cloud is involved. */
	static final class SimulatedGpuPlugin implements CloudAwarePlugin {

		private @Nullable RemoteResourceInfo resource;

		@Override
		public @Nullable RemoteResourceInfo getRemoteResourceInfo() {
			return this.resource;
		}

		@Override
		public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
			this.resource = RemoteResourceInfo.builder(CloudProviderType.LAMBDA_LABS)
				.instanceId(String.valueOf(config.get("instance")))
				.region("us-east-1")
				.gpuCount(1)
				.gpuType("A100")
				.estimatedCostPerHour(HOURLY_USD)
				.status("running")
				.build();
			return this.resource;
		}

		@Override
		public String checkRemoteResourceStatus() {
			return (this.resource != null) ? this.resource.status() : "not_provisioned";
		}

		@Override
		public boolean terminateRemoteResource() {
			if (this.resource == null) {
				return false;
			}
			this.resource = this.resource.withStatus("terminated");
			return true;
		}

		@Override
		public double estimateCost(double durationHours) {
			return HOURLY_USD * durationHours;
		}

		void status(String status) {
			this.resource = this.resource.withStatus(status);
		}

	}

}
