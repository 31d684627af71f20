package dev.unifiedplugins.sample.transcription;

/**
 * A speech-to-text plugin of the {@code transcription} category.
 */
public interface TranscriptionPlugin {

	/**
	 * Transcribes a clip.
	 * @param pcm 16-bit little-endian mono PCM at 16 kHz
	 * @return the transcript
	 */
	String transcribe(byte[] pcm);

}
