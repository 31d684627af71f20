package dev.unifiedplugins.sample.llm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.SampleApplication;
import dev.unifiedplugins.systems.PluginLifecycle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The {@code llm} category: a ready-made plugin system over the {@link LlmPlugin} beans,
 * declared in {@code application.yml}, whose plugins load, and whose GPU is rented, at
 * start.
 */
class LlmPluginsTests {

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startApplication() {
		context = start();
	}

	@AfterAll
	static void closeApplication() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void describesItsCategoryAndPlugins() {
		UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
		assertThat(registry.getCategoryDisplayName("llm")).isEqualTo("Language Models");
		List<PluginMetadata> plugins = registry.getPluginsByCategory("llm");
		assertThat(plugins).extracting(PluginMetadata::name).containsExactly("ollama_local", "llama3_cloud");
		assertThat(plugins).extracting(PluginMetadata::uniqueId)
			.containsExactly("llm_ollama_local", "llm_llama3_cloud");
		assertThat(plugins.get(0).executionMode()).isEqualTo(PluginExecutionMode.EXTERNAL_SERVICE);
		assertThat(plugins.get(0).title()).isEqualTo("Ollama (local)");
		assertThat(plugins.get(1).executionMode()).isEqualTo(PluginExecutionMode.CLOUD_GPU);
		assertThat(plugins.get(1).managesExternalResources()).isTrue();
		assertThat(plugins.get(1).title()).isEqualTo("Llama 3 70B (cloud GPU)");
		assertThat(plugins.get(1).configSchema()).containsKey("properties");
	}

	@Test
	void thePluginBeansAreTheInstancesTheRegistryReports() {
		PluginManager manager = context.getBean(UnifiedPluginRegistry.class).getManager("llm").orElseThrow();
		assertThat(manager.getPlugin("ollama_local")).containsSame(context.getBean(OllamaLocalPlugin.class));
		assertThat(manager.getPlugin("llama3_cloud")).containsSame(context.getBean(Llama3CloudPlugin.class));
	}

	@Test
	void startProvisionsTheCloudGpu() {
		Object llama3 = context.getBean(UnifiedPluginRegistry.class)
			.getManager("llm")
			.orElseThrow()
			.getPlugin("llama3_cloud")
			.orElseThrow();
		RemoteResourceInfo gpu = ((CloudAwarePlugin) llama3).getRemoteResourceInfo();
		assertThat(gpu.isRunning()).isTrue();
		assertThat(gpu.estimatedCostPerHour()).isEqualTo(4.40);
		assertThat(CloudAwarePlugin.getTotalEstimatedCost(List.of(llama3), 1)).isCloseTo(4.40, within(1e-9));
		assertThat(context.getBean(PluginLifecycle.class).load("llm_llama3_cloud")).isSameAs(llama3);
		assertThat(((CloudAwarePlugin) llama3).getRemoteResourceInfo()).as("after a second load").isEqualTo(gpu);
	}

	@Test
	void ollamaReportsItsEndpointAndOwnsNoProcess() {
		Object ollama = context.getBean(UnifiedPluginRegistry.class)
			.getManager("llm")
			.orElseThrow()
			.getPlugin("ollama_local")
			.orElseThrow();
		assertThat(ollama).isInstanceOf(LifecycleAwarePlugin.class).isNotInstanceOf(CloudAwarePlugin.class);
		LifecycleAwarePlugin lifecycle = (LifecycleAwarePlugin) ollama;
		assertThat(lifecycle.getExecutionMode()).isEqualTo(PluginExecutionMode.EXTERNAL_SERVICE);
		assertThat(lifecycle.getManagedResources()).containsEntry("url", "http://127.0.0.1:11434")
			.containsEntry("endpoint", "http://127.0.0.1:11434/api/chat")
			.containsEntry("model", "llama3");
		assertThat(LifecycleAwarePlugin.getAllManagedPids(ollama)).isEmpty();
	}

	@Test
	void aSavedConfigurationIsHandedToTheLoadedBeanAndRentsTheNextGpu() {
		try (ConfigurableApplicationContext configured = startWithConfigDir("target/llm-reload-configs")) {
			UnifiedPluginRegistry registry = configured.getBean(UnifiedPluginRegistry.class);
			Llama3CloudPlugin llama3 = configured.getBean(Llama3CloudPlugin.class);
			try {
				registry.savePluginConfig("llm_llama3_cloud", Map.of("region", "eu-central-1", "gpu_type", "H100"));
				// The reload runs on the lifecycle's own thread; it configures the same bean.
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
					llama3.terminateRemoteResource();
					RemoteResourceInfo next = llama3.provisionRemoteResource(Map.of());
					assertThat(next.region()).isEqualTo("eu-central-1");
					assertThat(next.gpuType()).isEqualTo("H100");
				});
				assertThat(registry.getManager("llm").orElseThrow().getPlugin("llama3_cloud")).containsSame(llama3);
			}
			finally {
				registry.deletePluginConfig("llm_llama3_cloud");
			}
		}
	}

	@Test
	void getPluginLoadsNothingWithoutLoadOnStart() {
		try (ConfigurableApplicationContext notLoaded = start("--plugins.systems.llm.load-on-start=false")) {
			PluginManager manager = notLoaded.getBean(UnifiedPluginRegistry.class).getManager("llm").orElseThrow();
			assertThat(notLoaded.getBean(UnifiedPluginRegistry.class).getPluginsByCategory("llm")).hasSize(2);
			assertThat(manager.getPlugin("ollama_local")).isEmpty();
			assertThat(manager.getPlugin("llama3_cloud")).isEmpty();
		}
	}

	@Test
	void closingLeavesTheGpuToTheRegistry() {
		Llama3CloudPlugin llama3;
		try (ConfigurableApplicationContext closed = start()) {
			llama3 = closed.getBean(Llama3CloudPlugin.class);
			assertThat(CloudAwarePlugin.hasActiveCloudResources(llama3)).isTrue();
		}
		// plugins.shutdown.terminate-cloud-resources is false by default.
		assertThat(CloudAwarePlugin.hasActiveCloudResources(llama3)).isTrue();
	}

	private static ConfigurableApplicationContext start(String... args) {
		return startWithConfigDir("target/test-plugin-configs", args);
	}

	private static ConfigurableApplicationContext startWithConfigDir(String configDir, String... args) {
		String[] all = new String[args.length + 2];
		all[0] = "--plugins.config-dir=" + configDir;
		all[1] = "--sample.transcription.worker.enabled=false";
		System.arraycopy(args, 0, all, 2, args.length);
		return new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run(all);
	}

}
