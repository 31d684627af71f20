package dev.unifiedplugins.sample.llm;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /llm/generate}: a completion from the cloud GPU plugin. Each call is
 * activity for {@code plugins.cloud.idle-timeout}; a call after the GPU was terminated
 * rents a new one.
 */
@RestController
@RequestMapping("/llm")
public class LlmController {

	/** The unique id of the cloud GPU plugin: category {@code llm}, then its name. */
	static final String PLUGIN_ID = "llm_" + Llama3CloudPlugin.NAME;

	private final Llama3CloudPlugin plugin;

	// The bean, not the registry: the application's own code uses its plugin whether or
	// not the registry is enabled. The registry's llm category loads this same bean, and a
	// new configuration is handed to it in place.
	LlmController(Llama3CloudPlugin plugin) {
		this.plugin = plugin;
	}

	/**
	 * Generates a completion.
	 * @param request the prompt
	 * @return the completion, the plugin and the GPU instance that served it
	 */
	@PostMapping("/generate")
	public GenerateResponse generate(@RequestBody GenerateRequest request) {
		if (request.prompt() == null || request.prompt().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "prompt must not be blank");
		}
		Llama3CloudPlugin.Generation generation = this.plugin.generate(request.prompt());
		return new GenerateResponse(PLUGIN_ID, generation.instanceId(), generation.completion());
	}

	/**
	 * What to generate from.
	 *
	 * @param prompt the prompt
	 */
	public record GenerateRequest(String prompt) {
	}

	/**
	 * A completion.
	 *
	 * @param plugin the unique id of the plugin that generated it
	 * @param instanceId the GPU instance that served it
	 * @param completion the generated text
	 */
	public record GenerateResponse(String plugin, String instanceId, String completion) {
	}

}
