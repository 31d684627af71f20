package dev.unifiedplugins.sample.transcription;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.sample.worker.PcmTranscriber;
import dev.unifiedplugins.systems.PluginDefinition;
import dev.unifiedplugins.systems.PluginInfo;

/**
 * Whisper tiny, run inside the application's JVM. It holds no outside resources, so it
 * implements none of the resource protocols.
 * <p>
 * It describes itself with {@link PluginInfo}, as a plugin of a ready-made manager would;
 * the hand-written {@link TranscriptionPluginManager} reads the description from the
 * class too.
 */
@PluginInfo(name = WhisperTinyPlugin.NAME, version = "1.0.0",
		description = "OpenAI Whisper tiny (39M parameters), run in-process.", configClass = WhisperConfig.class)
public class WhisperTinyPlugin implements TranscriptionPlugin {

	/** The plugin's name in its category. */
	public static final String NAME = "whisper_tiny";

	// The schema is generated from the config record; the title comes from it, as the
	// registry falls back to the schema's.
	static final PluginDescriptor DESCRIPTOR = PluginDefinition.of(WhisperTinyPlugin.class).descriptor();

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
