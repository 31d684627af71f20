package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.concurrent.Listeners;
import org.jspecify.annotations.Nullable;

/**
 * The revision of every stored configuration as a registry last saw it: the one place a
 * plugin's {@code configured} flag comes from. The registry's own writes keep it current;
 * {@link #refresh()} compares it with the store to find what changed elsewhere. Each change
 * goes to the listeners, after the locks are released, so that a listener may read or
 * write configurations.
 */
final class StoredRevisions {

	private static final int STRIPES = 64;

	private final PluginConfigStore store;

	private final Map<String, String> revisions = new ConcurrentHashMap<>();

	/** Read side: writes; write side: a refresh, which must not take a write for another's. */
	private final ReadWriteLock refreshLock = new ReentrantReadWriteLock();

	/** Serialize the writes of one plugin, so that its revision is that of its last write. */
	private final Object[] idLocks = new Object[STRIPES];

	private volatile boolean loaded;

	private final Listeners<PluginConfigChange> listeners;

	StoredRevisions(PluginConfigStore store, Listeners<PluginConfigChange> listeners) {
		this.store = store;
		this.listeners = listeners;
		for (int i = 0; i < STRIPES; i++) {
			this.idLocks[i] = new Object();
		}
	}

	boolean contains(String uniqueId) {
		return this.revisions.containsKey(uniqueId);
	}

	@Nullable String get(String uniqueId) {
		return this.revisions.get(uniqueId);
	}

	/**
	 * Reads every revision from the store if that was never done.
	 * @throws java.io.UncheckedIOException when the store cannot be read
	 */
	void ensureLoaded() {
		if (!this.loaded) {
			refresh();
		}
	}

	/**
	 * Reads every revision from the store and tells the listeners what changed.
	 * @return the changes since the last read, none on the first
	 * @throws java.io.UncheckedIOException when the store cannot be read; nothing changes
	 */
	List<PluginConfigChange> refresh() {
		List<PluginConfigChange> changes = compare();
		changes.forEach(this.listeners::deliver);
		return changes;
	}

	private List<PluginConfigChange> compare() {
		this.refreshLock.writeLock().lock();
		try {
			Map<String, String> stored = this.store.revisions();
			List<PluginConfigChange> changes = new ArrayList<>();
			if (this.loaded) {
				Set<String> ids = new HashSet<>(this.revisions.keySet());
				ids.addAll(stored.keySet());
				for (String id : ids) {
					String now = stored.get(id);
					if (!Objects.equals(now, this.revisions.get(id))) {
						changes.add(new PluginConfigChange(id, (now != null) ? PluginConfigChange.Kind.SAVED
								: PluginConfigChange.Kind.DELETED, now, true));
					}
				}
			}
			this.revisions.keySet().retainAll(stored.keySet());
			this.revisions.putAll(stored);
			this.loaded = true;
			return changes;
		}
		finally {
			this.refreshLock.writeLock().unlock();
		}
	}

	/**
	 * Runs a save or delete of one plugin's configuration, records its outcome and tells
	 * the listeners.
	 * @param write the write; returns the new revision, or null when nothing is stored after it
	 * @return the new revision, null after a delete
	 */
	@Nullable String write(String uniqueId, Supplier<@Nullable String> write) {
		PluginConfigChange change = record(uniqueId, write);
		if (change != null) {
			this.listeners.deliver(change);
		}
		return (change != null) ? change.revision() : null;
	}

	private @Nullable PluginConfigChange record(String uniqueId, Supplier<@Nullable String> write) {
		this.refreshLock.readLock().lock();
		try {
			synchronized (this.idLocks[Math.floorMod(uniqueId.hashCode(), STRIPES)]) {
				String revision = write.get();
				if (revision != null) {
					this.revisions.put(uniqueId, revision);
					return new PluginConfigChange(uniqueId, PluginConfigChange.Kind.SAVED, revision, false);
				}
				return (this.revisions.remove(uniqueId) != null)
						? new PluginConfigChange(uniqueId, PluginConfigChange.Kind.DELETED, null, false) : null;
			}
		}
		finally {
			this.refreshLock.readLock().unlock();
		}
	}

}
