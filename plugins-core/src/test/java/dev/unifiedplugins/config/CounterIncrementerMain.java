package dev.unifiedplugins.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Helper JVM for {@link FileSystemPluginConfigStoreRevisionTests}: increments a counter
 * in a configuration a number of times by read-modify-write with revision-checked saves,
 * retrying on conflict. Arguments: the config directory, the id, the increments. Prints
 * {@code DONE <conflicts>} at the end.
 */
public final class CounterIncrementerMain {

	private CounterIncrementerMain() {
	}

	public static void main(String[] args) {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(Path.of(args[0]));
		System.out.println("DONE " + increment(store, args[1], Integer.parseInt(args[2])));
		System.out.flush();
	}

	/** Increments the counter; returns how many saves met a conflict. */
	static int increment(PluginConfigStore store, String id, int times) {
		int conflicts = 0;
		for (int i = 0; i < times;) {
			Optional<StoredPluginConfig> stored = store.loadStored(id);
			long count = stored.map((s) -> ((Number) s.config().get("count")).longValue()).orElse(0L);
			ExpectedRevision expected = stored.map((s) -> ExpectedRevision.of(s.revision()))
				.orElse(ExpectedRevision.none());
			try {
				store.save(id, Map.of("count", count + 1), expected);
				i++;
			}
			catch (PluginConfigConflictException ex) {
				conflicts++;
			}
		}
		return conflicts;
	}

}
