package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.unifiedplugins.config.PluginConfigStore;

/**
 * A store in memory: the five basic methods over a map and the interface's defaults for
 * the rest, for tests that run thousands of writes without waiting for a disk.
 * {@link #failing} makes its writes fail, as a disk that went away does.
 */
public class MemoryStore implements PluginConfigStore {

	private final Map<String, Map<String, Object>> configs = new ConcurrentHashMap<>();

	/** While true, saves and deletes throw, naming a disk that is gone. */
	public volatile boolean failing;

	@Override
	public Optional<Map<String, Object>> load(String uniqueId) {
		return Optional.ofNullable(this.configs.get(uniqueId));
	}

	@Override
	public void save(String uniqueId, Map<String, Object> config) {
		failIfFailing();
		this.configs.put(uniqueId, Map.copyOf(config));
	}

	@Override
	public boolean delete(String uniqueId) {
		failIfFailing();
		return this.configs.remove(uniqueId) != null;
	}

	@Override
	public boolean exists(String uniqueId) {
		return this.configs.containsKey(uniqueId);
	}

	@Override
	public Set<String> ids() {
		return Set.copyOf(this.configs.keySet());
	}

	private void failIfFailing() {
		if (this.failing) {
			throw new UncheckedIOException(new IOException("the disk is gone"));
		}
	}

}
