package dev.unifiedplugins.sample;

import java.time.Duration;
import java.util.Collection;

import dev.unifiedplugins.processes.ProcessTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Waits, within a bound, for processes to end.
 */
public final class ProcessAssertions {

	private ProcessAssertions() {
	}

	/**
	 * Waits up to 10 seconds until none of the processes runs; zombies count as ended.
	 * @param pids the processes
	 */
	public static void awaitGone(Collection<Long> pids) {
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(pids).as("running processes").noneMatch(ProcessTable::isRunning));
	}

	/**
	 * A clip of 16-bit mono PCM at 16 kHz: a 440 Hz tone at about -12 dBFS.
	 * @param seconds the clip's length
	 * @return the clip
	 */
	public static byte[] tone(double seconds) {
		int samples = (int) Math.round(seconds * 16_000);
		byte[] pcm = new byte[samples * 2];
		for (int i = 0; i < samples; i++) {
			short sample = (short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
			pcm[2 * i] = (byte) sample;
			pcm[2 * i + 1] = (byte) (sample >> 8);
		}
		return pcm;
	}

}
