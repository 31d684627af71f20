package dev.unifiedplugins.sample.llm;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginInfo;

/**
 * A model served by an Ollama server on this machine. The server is someone else's: the
 * plugin only says where it is, and makes no calls to it, so the sample runs without one.
 * Its saved configuration ({@link OllamaConfig}) wins over the {@code sample.ollama.*}
 * values it was created with.
 */
@PluginInfo(name = OllamaLocalPlugin.NAME, version = "1.0.0", title = "Ollama (local)",
		description = "A model served by the Ollama server on this machine.",
		executionMode = PluginExecutionMode.EXTERNAL_SERVICE)
public class OllamaLocalPlugin implements LlmPlugin, LifecycleAwarePlugin, ConfigurablePlugin<OllamaConfig> {

	/** The plugin's name in its category. */
	public static final String NAME = "ollama_local";

	private final Server defaults;

	private volatile Server server;

	/**
	 * Creates the plugin.
	 * @param url the Ollama server's base URL, until a configuration names another
	 * @param model the model to use, until a configuration names another
	 */
	public OllamaLocalPlugin(URI url, String model) {
		this.defaults = new Server(Objects.requireNonNull(url, "url must not be null"),
				Objects.requireNonNull(model, "model must not be null"));
		this.server = this.defaults;
	}

	/**
	 * Takes the server and model of a configuration; an unset one is the value the plugin
	 * was created with.
	 * @param config the saved configuration
	 */
	@Override
	public void configure(OllamaConfig config) {
		validate(config);
		this.server = new Server((config.url() != null) ? config.url() : this.defaults.url(),
				(config.model() != null) ? config.model() : this.defaults.model());
	}

	/**
	 * Refuses a server URL that is not HTTP: Ollama serves its API over HTTP only. Run
	 * before a save, and again at a load, for a configuration written past the checks (a
	 * hand-edited file, or the Python library).
	 * @param config the configuration to check
	 */
	@Override
	public void validate(OllamaConfig config) {
		URI url = config.url();
		if (url != null && !"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
			throw new IllegalArgumentException("Ollama serves its API over HTTP: use an http:// or https:// URL");
		}
	}

	/**
	 * The endpoint of Ollama's chat API.
	 * @return the URL of {@code /api/chat} on the server
	 */
	public URI getEndpointUrl() {
		return this.server.endpoint();
	}

	/**
	 * The model to use.
	 * @return the model's name, such as {@code llama3}
	 */
	public String getModel() {
		return this.server.model();
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
		Server server = this.server;
		return Map.of("url", server.url().toString(), "endpoint", server.endpoint().toString(), "model",
				server.model());
	}

	/**
	 * Does nothing: the server is not ours to stop.
	 */
	@Override
	public void forceCleanup() {
	}

	/** A server and model, replaced as a whole so that readers never see half of a change. */
	private record Server(URI url, String model) {

		URI endpoint() {
			return this.url.resolve("/api/chat");
		}

	}

}
