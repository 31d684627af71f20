package dev.unifiedplugins.sample.llm;

import java.net.URI;
import java.util.List;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LlmPluginManager}.
 */
class LlmPluginManagerTests {

	private final LlmPluginManager manager = new LlmPluginManager(URI.create("http://127.0.0.1:11434"), "llama3",
			4.40, "us-west-1");

	@Test
	void describesItsCategoryAndPlugins() {
		assertThat(this.manager.category()).isEqualTo("llm");
		assertThat(this.manager.displayName()).isEqualTo("Language Models");
		List<PluginDescriptor> plugins = this.manager.discoverPlugins();
		assertThat(plugins).extracting(PluginDescriptor::name).containsExactly("ollama_local", "llama3_cloud");
		assertThat(plugins.get(0).executionMode()).isEqualTo(PluginExecutionMode.EXTERNAL_SERVICE);
		assertThat(plugins.get(1).executionMode()).isEqualTo(PluginExecutionMode.CLOUD_GPU);
		assertThat(plugins.get(1).managesExternalResources()).isTrue();
	}

	@Test
	void getPluginLoadsNothingBeforeTheStart() {
		assertThat(this.manager.getPlugin("ollama_local")).isEmpty();
		assertThat(this.manager.getPlugin("llama3_cloud")).isEmpty();
	}

	@Test
	void startProvisionsTheCloudGpu() {
		this.manager.start();
		Object llama3 = this.manager.getPlugin("llama3_cloud").orElseThrow();
		RemoteResourceInfo gpu = ((CloudAwarePlugin) llama3).getRemoteResourceInfo();
		assertThat(gpu.isRunning()).isTrue();
		assertThat(gpu.estimatedCostPerHour()).isEqualTo(4.40);
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(llama3), 1)).isCloseTo(4.40, within(1e-9));
		this.manager.start();
		assertThat(((CloudAwarePlugin) llama3).getRemoteResourceInfo()).as("after a second start").isEqualTo(gpu);
	}

	@Test
	void ollamaReportsItsEndpointAndOwnsNoProcess() {
		this.manager.start();
		Object ollama = this.manager.getPlugin("ollama_local").orElseThrow();
		assertThat(ollama).isInstanceOf(LifecycleAwarePlugin.class).isNotInstanceOf(CloudAwarePlugin.class);
		LifecycleAwarePlugin lifecycle = (LifecycleAwarePlugin) ollama;
		assertThat(lifecycle.getExecutionMode()).isEqualTo(PluginExecutionMode.EXTERNAL_SERVICE);
		assertThat(lifecycle.getManagedResources()).containsEntry("url", "http://127.0.0.1:11434")
			.containsEntry("endpoint", "http://127.0.0.1:11434/api/chat")
			.containsEntry("model", "llama3");
		assertThat(LifecycleAwarePlugin.getAllManagedPids(ollama)).isEmpty();
	}

	@Test
	void stopLeavesTheGpuToTheRegistry() {
		this.manager.start();
		this.manager.stop();
		Object llama3 = this.manager.getPlugin("llama3_cloud").orElseThrow();
		assertThat(CloudAwarePlugin.hasActiveCloudResources(llama3)).isTrue();
	}

}
