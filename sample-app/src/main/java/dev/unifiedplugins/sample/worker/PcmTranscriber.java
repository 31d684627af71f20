package dev.unifiedplugins.sample.worker;

import java.util.Locale;

/**
 * Stands in for a speech model: tells how long a clip is and whether anything in it is
 * louder than silence. Trivial, but real work on real input, so it shows which process
 * did it.
 */
public final class PcmTranscriber {

	/** Samples per second of the expected audio. */
	public static final int SAMPLE_RATE = 16_000;

	/** A peak at or below this is silence: about -36 dBFS. */
	private static final int SILENCE_PEAK = 500;

	private PcmTranscriber() {
	}

	/**
	 * Transcribes a clip.
	 * @param pcm 16-bit little-endian mono PCM at {@value #SAMPLE_RATE} Hz
	 * @return the transcript, such as {@code [1.50 s of speech]}
	 * @throws IllegalArgumentException when the clip has an odd number of bytes
	 */
	public static String transcribe(byte[] pcm) {
		if (pcm.length % 2 != 0) {
			throw new IllegalArgumentException(
					"16-bit PCM needs an even number of bytes, but the clip has " + pcm.length);
		}
		int peak = 0;
		for (int i = 0; i < pcm.length; i += 2) {
			short sample = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
			peak = Math.max(peak, Math.abs(sample));
		}
		double seconds = (pcm.length / 2) / (double) SAMPLE_RATE;
		return String.format(Locale.ROOT, "[%.2f s of %s]", seconds, (peak > SILENCE_PEAK) ? "speech" : "silence");
	}

}
