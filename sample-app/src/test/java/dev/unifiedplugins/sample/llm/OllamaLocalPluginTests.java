package dev.unifiedplugins.sample.llm;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link OllamaLocalPlugin}.
 */
class OllamaLocalPluginTests {

	private final OllamaLocalPlugin plugin = new OllamaLocalPlugin(URI.create("http://127.0.0.1:11434"), "llama3");

	@Test
	void aSavedConfigurationWinsOverTheValuesItWasCreatedWith() {
		this.plugin.configure(new OllamaConfig(URI.create("http://gpu-box:11434"), "mistral"));
		assertThat(this.plugin.getEndpointUrl()).isEqualTo(URI.create("http://gpu-box:11434/api/chat"));
		assertThat(this.plugin.getManagedResources()).containsEntry("url", "http://gpu-box:11434")
			.containsEntry("model", "mistral");
	}

	@Test
	void anUnsetValueIsTheOneItWasCreatedWith() {
		this.plugin.configure(new OllamaConfig(URI.create("http://gpu-box:11434"), "mistral"));
		this.plugin.configure(new OllamaConfig(null, null));
		assertThat(this.plugin.getEndpointUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/api/chat"));
		assertThat(this.plugin.getModel()).isEqualTo("llama3");
	}

	@Test
	void aServerThatIsNotHttpIsRefusedBeforeASaveAndAtALoad() {
		OllamaConfig ftp = new OllamaConfig(URI.create("ftp://gpu-box/"), null);
		assertThatIllegalArgumentException().isThrownBy(() -> this.plugin.validate(ftp))
			.withMessageContaining("http://");
		assertThatIllegalArgumentException().isThrownBy(() -> this.plugin.configure(ftp));
		assertThat(this.plugin.getEndpointUrl()).isEqualTo(URI.create("http://127.0.0.1:11434/api/chat"));
	}

}
