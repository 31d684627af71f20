package dev.unifiedplugins.sample;

import java.util.List;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.llm.Llama3CloudPlugin;
import dev.unifiedplugins.sample.llm.LlmController;
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
			Object llama3 = context.getBean(UnifiedPluginRegistry.class)
				.getManager("llm")
				.orElseThrow()
				.getPlugin("llama3_cloud")
				.orElseThrow();
			assertThat(llama3).isSameAs(context.getBean(Llama3CloudPlugin.class));
			// Provisioned at start; the price comes from application.yml.
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
			assertThat(context.getBeansOfType(UnifiedPluginRegistry.class)).isEmpty();
			// The application's own code uses its plugins without the registry: the GPU is
			// rented at start and the controller generates on it.
			Llama3CloudPlugin llama3 = context.getBean(Llama3CloudPlugin.class);
			assertThat(llama3.estimateCost(1)).isCloseTo(4.40, within(1e-9));
			LlmController.GenerateResponse response = context.getBean(LlmController.class)
				.generate(new LlmController.GenerateRequest("Hello"));
			assertThat(response.plugin()).isEqualTo("llm_llama3_cloud");
			assertThat(response.instanceId())
				.isEqualTo(llama3.getRemoteResourceInfo().instanceId());
			assertThat(llama3.getLastActivity()).isPresent();
		}
	}

}
