package dev.unifiedplugins.sample.llm;

import java.net.URI;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.unifiedplugins.config.PluginConfigTitle;
import org.jspecify.annotations.Nullable;

/**
 * The Ollama plugin's configuration. An unset value keeps the one of
 * {@code sample.ollama.*}.
 *
 * @param url the Ollama server's base URL
 * @param model the model to use
 */
@PluginConfigTitle("Ollama (local)")
@JsonClassDescription("Which Ollama server and model to use.")
public record OllamaConfig(@JsonPropertyDescription("Server URL; sample.ollama.url when unset") @Nullable URI url,
		@JsonPropertyDescription("Model; sample.ollama.model when unset") @Nullable String model) {

}
