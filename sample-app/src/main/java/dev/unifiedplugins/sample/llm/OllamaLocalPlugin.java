package dev.unifiedplugins.sample.llm;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.Schemas;

/**
 * A model served by an Ollama server on this machine. The server is someone else's: the
 * plugin only says where it is, and makes no calls to it, so the sample runs without one.
 */
public class OllamaLocalPlugin implements LifecycleAwarePlugin {

	/** The plugin's name in its category. */
	public static final String NAME = "ollama_local";

	static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(NAME)
		.version("1.0.0")
		.title("Ollama (local)")
		.description("A model served by the Ollama server on this machine.")
		.configSchema(Schemas.object("Ollama (local)", "Which Ollama server and model to use.",
				Schemas.ordered("url",
						Schemas.ordered("type", "string", "title", "Server URL", "format", "uri", "default",
								"http://127.0.0.1:11434"),
						"model", Schemas.ordered("type", "string", "title", "Model", "default", "llama3"))))
		.executionMode(PluginExecutionMode.EXTERNAL_SERVICE)
		.build();

	private final URI url;

	private final String model;

	/**
	 * Creates the plugin.
	 * @param url the Ollama server's base URL
	 * @param model the model to use
	 */
	public OllamaLocalPlugin(URI url, String model) {
		this.url = Objects.requireNonNull(url, "url must not be null");
		this.model = Objects.requireNonNull(model, "model must not be null");
	}

	/**
	 * The endpoint of Ollama's chat API.
	 * @return the URL of {@code /api/chat} on the server
	 */
	public URI getEndpointUrl() {
		return this.url.resolve("/api/chat");
	}

	/**
	 * The model to use.
	 * @return the model's name, such as {@code llama3}
	 */
	public String getModel() {
		return this.model;
	}

	@Override
	public PluginExecutionMode getExecutionMode() {
		return PluginExecutionMode.EXTERNAL_SERVICE;
	}

	@Override
	public List<Long> getChildPids() {
		return List.of();
	}

	@Override
	public Map<String, Object> getManagedResources() {
		return Map.of("url", this.url.toString(), "endpoint", getEndpointUrl().toString(), "model", this.model);
	}

	/**
	 * Does nothing: the server is not ours to stop.
	 */
	@Override
	public void forceCleanup() {
	}

}
