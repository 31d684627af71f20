package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.unifiedplugins.config.PluginConfigStore;

/**
 * A store that forwards the five basic methods to another and takes the interface's
 * defaults for the rest: what a user's own store looks like (no notices of changes, no
 * revisions of its own). {@link #down} makes its listing fail, as a store in front of a
 * database that went away.
 */
public class ForwardingStore implements PluginConfigStore {

	private final PluginConfigStore delegate;

	/** While true, {@link #ids()} throws, naming a database that is down. */
	public volatile boolean down;

	public ForwardingStore(PluginConfigStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public Optional<Map<String, Object>> load(String uniqueId) {
		return this.delegate.load(uniqueId);
	}

	@Override
	public void save(String uniqueId, Map<String, Object> config) {
		this.delegate.save(uniqueId, config);
	}

	@Override
	public boolean delete(String uniqueId) {
		return this.delegate.delete(uniqueId);
	}

	@Override
	public boolean exists(String uniqueId) {
		return this.delegate.exists(uniqueId);
	}

	@Override
	public Set<String> ids() {
		if (this.down) {
			throw new UncheckedIOException(new IOException("database is down"));
		}
		return this.delegate.ids();
	}

}
