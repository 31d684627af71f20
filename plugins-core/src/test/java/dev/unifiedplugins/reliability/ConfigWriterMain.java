package dev.unifiedplugins.reliability;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;

/**
 * Helper JVM for {@link ConfigStoreCrashSafetyTests}: saves large, internally consistent
 * configurations to a few ids in a tight loop until it is killed.
 * <p>
 * Arguments: the config directory and the round number. Prints {@code STARTED <pid>} once
 * the first configuration is saved, so that a kill on a busy machine still finds it
 * writing.
 */
public final class ConfigWriterMain {

	static final List<String> IDS = List.of("crash_a", "crash_b", "crash_c");

	/** How often the sequence number is repeated in the payload: about 64 KB per file. */
	static final int PAYLOAD_REPEATS = 16 * 1024;

	private ConfigWriterMain() {
	}

	public static void main(String[] args) {
		Path dir = Path.of(args[0]);
		int round = Integer.parseInt(args[1]);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(dir);
		for (long seq = 1;; seq++) {
			store.save(IDS.get((int) (seq % IDS.size())), config(round, seq));
			if (seq == 1) {
				System.out.println("STARTED " + ProcessHandle.current().pid());
				System.out.flush();
			}
		}
	}

	static Map<String, Object> config(int round, long seq) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("round", round);
		config.put("seq", seq);
		config.put("payload", Long.toString(seq).repeat(PAYLOAD_REPEATS));
		config.put("check", seq);
		return config;
	}

}
