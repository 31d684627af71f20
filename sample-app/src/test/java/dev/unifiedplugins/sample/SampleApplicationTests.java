package dev.unifiedplugins.sample;

import java.util.List;

import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.llm.LlmPluginManager;
import dev.unifiedplugins.sample.transcription.TranscriptionPluginManager;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Starts and closes the application, as {@code spring-boot:run} and Ctrl-C do.
 */
class SampleApplicationTests {

	@Test
	void startingRunsThePluginsAndClosingEndsTheWorker() {
		List<Long> pids;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run("--plugins.config-dir=target/test-plugin-configs")) {
			Object voxtral = context.getBean(TranscriptionPluginManager.class).getPlugin("voxtral_vllm").orElseThrow();
			pids = LifecycleAwarePlugin.getAllManagedPids(voxtral);
			assertThat(pids).hasSize(2);
			Object llama3 = context.getBean(LlmPluginManager.class).getPlugin("llama3_cloud").orElseThrow();
			// The price comes from application.yml.
			assertThat(((CloudAwarePlugin) llama3).estimateCost(1)).isCloseTo(4.40, within(1e-9));
		}
		awaitGone(pids);
	}

	@Test
	void startsWithTheRegistryDisabled() {
		// The benchmarks compare starts with and without the registry.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run("--plugins.enabled=false", "--plugins.config-dir=target/test-plugin-configs",
					"--sample.transcription.worker.enabled=false")) {
			assertThat(context.getBeansOfType(dev.unifiedplugins.core.UnifiedPluginRegistry.class)).isEmpty();
			assertThat(context.getBean(LlmPluginManager.class).getPlugin("llama3_cloud")).isPresent();
		}
	}

}
