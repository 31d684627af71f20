package dev.unifiedplugins.sample.llm;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link Llama3CloudPlugin} on a {@link SimulatedCloudProvider}.
 */
class Llama3CloudPluginTests {

	private final Llama3CloudPlugin plugin = new Llama3CloudPlugin(
			new SimulatedCloudProvider(CloudProviderType.LAMBDA_LABS, 4.40), "us-west-1");

	@Test
	void generatingRecordsActivityAndRentsAGpuWhenNoneRuns() {
		Instant now = Instant.parse("2026-01-01T12:00:00Z");
		Llama3CloudPlugin plugin = new Llama3CloudPlugin(
				new SimulatedCloudProvider(CloudProviderType.LAMBDA_LABS, 4.40), "us-west-1",
				Clock.fixed(now, ZoneOffset.UTC));
		assertThat(plugin.getLastActivity()).isEmpty();
		Llama3CloudPlugin.Generation first = plugin.generate("hello");
		assertThat(plugin.getLastActivity()).contains(now);
		assertThat(first.completion()).contains("hello");
		assertThat(plugin.checkRemoteResourceStatus()).isEqualTo("running");
		assertThat(plugin.generate("again").instanceId()).isEqualTo(first.instanceId());
		plugin.terminateRemoteResource();
		assertThat(plugin.generate("after termination").instanceId()).isNotEqualTo(first.instanceId());
	}

	@Test
	void costsNothingBeforeItIsProvisioned() {
		assertThat(this.plugin.getRemoteResourceInfo()).isNull();
		assertThat(this.plugin.checkRemoteResourceStatus()).isEqualTo("not_provisioned");
		assertThat(this.plugin.estimateCost(1)).isZero();
		assertThat(CloudAwarePlugin.hasActiveCloudResources(this.plugin)).isFalse();
	}

	@Test
	void provisionedResourceRunsAtTheConfiguredPrice() {
		RemoteResourceInfo resource = this.plugin.provisionRemoteResource(Map.of());
		assertThat(resource.isRunning()).isTrue();
		assertThat(resource.provider()).isEqualTo(CloudProviderType.LAMBDA_LABS);
		assertThat(resource.instanceId()).isNotBlank();
		assertThat(resource.region()).isEqualTo("us-west-1");
		assertThat(resource.gpuType()).isEqualTo("A100");
		assertThat(resource.gpuCount()).isEqualTo(1);
		assertThat(resource.estimatedCostPerHour()).isEqualTo(4.40);
		assertThat(this.plugin.getRemoteResourceInfo()).isEqualTo(resource);
		assertThat(this.plugin.checkRemoteResourceStatus()).isEqualTo("running");
		assertThat(CloudAwarePlugin.hasActiveCloudResources(this.plugin)).isTrue();
	}

	@Test
	void estimatesCostAsPriceTimesHoursWhileRunning() {
		this.plugin.provisionRemoteResource(Map.of());
		assertThat(this.plugin.estimateCost(1)).isCloseTo(4.40, within(1e-9));
		assertThat(this.plugin.estimateCost(24)).isCloseTo(105.6, within(1e-9));
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(this.plugin, "not a plugin"), 24)).isCloseTo(105.6,
				within(1e-9));
	}

	@Test
	void terminatedResourceCostsNothingAndIsNotRunning() {
		this.plugin.provisionRemoteResource(Map.of());
		assertThat(this.plugin.terminateRemoteResource()).isTrue();
		assertThat(this.plugin.estimateCost(1)).isZero();
		assertThat(this.plugin.estimateCost(24)).isZero();
		assertThat(this.plugin.getRemoteResourceInfo().isRunning()).isFalse();
		assertThat(this.plugin.checkRemoteResourceStatus()).isEqualTo("terminated");
		assertThat(CloudAwarePlugin.hasActiveCloudResources(this.plugin)).isFalse();
		assertThat(this.plugin.terminateRemoteResource()).isTrue();
	}

	@Test
	void provisioningWhileRunningKeepsTheSameInstance() {
		RemoteResourceInfo first = this.plugin.provisionRemoteResource(Map.of());
		assertThat(this.plugin.provisionRemoteResource(Map.of("gpu_type", "H100"))).isEqualTo(first);
	}

	@Test
	void provisioningAfterTerminationRentsANewInstance() {
		RemoteResourceInfo first = this.plugin.provisionRemoteResource(Map.of());
		this.plugin.terminateRemoteResource();
		RemoteResourceInfo second = this.plugin
			.provisionRemoteResource(Map.of("region", "us-east-1", "gpu_type", "H100", "gpu_count", 2));
		assertThat(second.instanceId()).isNotEqualTo(first.instanceId());
		assertThat(second.isRunning()).isTrue();
		assertThat(second.region()).isEqualTo("us-east-1");
		assertThat(second.gpuType()).isEqualTo("H100");
		assertThat(second.gpuCount()).isEqualTo(2);
	}

	@Test
	void theConfigurationSaysWhatTheNextGpuIsRentedAs() {
		RemoteResourceInfo first = this.plugin.provisionRemoteResource(Map.of());
		this.plugin.configure(new Llama3CloudConfig("eu-central-1", Llama3CloudConfig.GpuType.H100, 2));
		assertThat(this.plugin.getRemoteResourceInfo()).as("the running GPU is kept").isEqualTo(first);
		this.plugin.terminateRemoteResource();
		RemoteResourceInfo second = this.plugin.provisionRemoteResource(Map.of());
		assertThat(second.region()).isEqualTo("eu-central-1");
		assertThat(second.gpuType()).isEqualTo("H100");
		assertThat(second.gpuCount()).isEqualTo(2);
		this.plugin.terminateRemoteResource();
		this.plugin.configure(Llama3CloudConfig.DEFAULTS);
		assertThat(this.plugin.provisionRemoteResource(Map.of()).region()).as("no region configured")
			.isEqualTo("us-west-1");
	}

	@Test
	void rejectsSettingsOfTheWrongType() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.plugin.provisionRemoteResource(Map.of("gpu_count", "two")))
			.withMessageContaining("gpu_count");
		assertThat(this.plugin.getRemoteResourceInfo()).isNull();
	}

}
