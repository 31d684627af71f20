package dev.unifiedplugins.sample.transcription;

import java.util.List;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.sample.Schemas;

/**
 * Whisper tiny, run inside the application's JVM. It holds no outside resources, so it
 * implements none of the resource protocols.
 */
public class WhisperTinyPlugin implements TranscriptionPlugin {

	/** The plugin's name in its category. */
	public static final String NAME = "whisper_tiny";

	// Title and description come from the schema, as the registry falls back to them.
	static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(NAME)
		.version("1.0.0")
		.configSchema(Schemas.object("Whisper Tiny", "OpenAI Whisper tiny (39M parameters), run in-process.",
				Schemas.ordered("device",
						Schemas.ordered("type", "string", "title", "Device", "description",
								"Where the model runs", "enum", List.of("cpu", "cuda"), "default", "cpu"),
						"language", Schemas.ordered("type", "string", "title", "Language", "description",
								"Spoken language as an ISO 639-1 code", "default", "en"))))
		.build();

	private final String device;

	/**
	 * Loads the model.
	 * @param device {@code cpu} or {@code cuda}
	 */
	public WhisperTinyPlugin(String device) {
		if (!"cpu".equals(device) && !"cuda".equals(device)) {
			throw new IllegalArgumentException("device must be 'cpu' or 'cuda', but was '" + device + "'");
		}
		this.device = device;
	}

	/**
	 * Where the model runs.
	 * @return {@code cpu} or {@code cuda}
	 */
	public String getDevice() {
		return this.device;
	}

	@Override
	public String transcribe(byte[] pcm) {
		return PcmTranscriber.transcribe(pcm);
	}

}
