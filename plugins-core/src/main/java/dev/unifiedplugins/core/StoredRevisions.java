package dev.unifiedplugins.core;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.KeyedLocks;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigStore;
import org.jspecify.annotations.Nullable;

/**
 * The revision of every stored configuration as a registry last saw it: the one place a
 * plugin's {@code configured} flag comes from. The registry's own writes keep it current;
 * {@link #refresh()} compares it with the store to find what changed elsewhere. Each change
 * goes to the listeners, after the locks are released, so that a listener may read or
 * write configurations.
 * <p>
 * No lock here is shared by two plugins: the writes of one plugin wait for each other
 * (so that its revision is that of its last write), a refresh never waits for a write (it
 * leaves a plugin that is being written to that write), and a write never waits for a
 * refresh. A slow store call, such as a save waiting for a row another connection holds,
 * delays that plugin alone, and its other writes at most the store's
 * {@linkplain PluginConfigStore#getLockTimeout() lock timeout}: they give up as busy then,
 * rather than queue behind it one after another.
 */
final class StoredRevisions {

	private final PluginConfigStore store;

	private final Map<String, String> revisions = new ConcurrentHashMap<>();

	/**
	 * When each plugin was last written here while a refresh was under way, by
	 * {@link #sequence}: newer than that refresh's read wins. A later refresh reads after
	 * these writes and needs none of them, so each refresh clears them as it ends: plugins
	 * saved and deleted with no refresh at all (no watcher) leave nothing here.
	 */
	private final Map<String, Long> recentWrites = new ConcurrentHashMap<>();

	/** Set before a refresh reads {@link #sequence}, so that a write after that read is remembered. */
	private volatile boolean refreshing;

	private final AtomicLong sequence = new AtomicLong();

	private final KeyedLocks writers = new KeyedLocks();

	/** Only refreshes wait for each other; writes never take it. */
	private final ReentrantLock refreshLock = new ReentrantLock();

	private volatile boolean loaded;

	private final Listeners<PluginConfigChange> listeners;

	StoredRevisions(PluginConfigStore store, Listeners<PluginConfigChange> listeners) {
		this.store = store;
		this.listeners = listeners;
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
		this.refreshLock.lock();
		try {
			this.refreshing = true;
			long readFrom = this.sequence.get();
			Map<String, String> stored = this.store.revisions();
			boolean first = !this.loaded;
			List<PluginConfigChange> changes = new ArrayList<>();
			Set<String> ids = new HashSet<>(this.revisions.keySet());
			ids.addAll(stored.keySet());
			for (String id : ids) {
				String now = stored.get(id);
				if (!Objects.equals(now, this.revisions.get(id)) && apply(id, now, readFrom) && !first) {
					changes.add(new PluginConfigChange(id,
							(now != null) ? PluginConfigChange.Kind.SAVED : PluginConfigChange.Kind.DELETED, now, true));
				}
			}
			this.loaded = true;
			return changes;
		}
		finally {
			this.refreshing = false;
			this.recentWrites.clear();
			this.refreshLock.unlock();
		}
	}

	/**
	 * Takes a revision read by a refresh, unless a write of this registry is under way or
	 * was made since the read began: that write knows better.
	 */
	private boolean apply(String uniqueId, @Nullable String stored, long readFrom) {
		KeyedLocks.Held held = this.writers.tryLock(uniqueId);
		if (held == null) {
			return false;
		}
		try {
			Long written = this.recentWrites.get(uniqueId);
			if ((written != null && written > readFrom) || Objects.equals(stored, this.revisions.get(uniqueId))) {
				return false;
			}
			put(uniqueId, stored);
			return true;
		}
		finally {
			held.close();
		}
	}

	/**
	 * Runs a save or delete of one plugin's configuration, records its outcome and tells
	 * the listeners.
	 * @param write the write; returns the new revision, or null when nothing is stored after it
	 * @return the new revision, null after a delete
	 * @throws PluginConfigBusyException when another write of the plugin holds it longer
	 * than the store's lock timeout; {@code write} is not run
	 */
	@Nullable String write(String uniqueId, Supplier<@Nullable String> write) {
		PluginConfigChange change = record(uniqueId, write);
		if (change != null) {
			this.listeners.deliver(change);
		}
		return (change != null) ? change.revision() : null;
	}

	private @Nullable PluginConfigChange record(String uniqueId, Supplier<@Nullable String> write) {
		try (KeyedLocks.Held held = lock(uniqueId)) {
			String revision = write.get();
			String before = put(uniqueId, revision);
			long written = this.sequence.incrementAndGet();
			// Not refreshing when read: a refresh that starts later reads the sequence after
			// this increment, and the store after this write.
			if (this.refreshing) {
				this.recentWrites.put(uniqueId, written);
			}
			if (revision != null) {
				return new PluginConfigChange(uniqueId, PluginConfigChange.Kind.SAVED, revision, false);
			}
			return (before != null) ? new PluginConfigChange(uniqueId, PluginConfigChange.Kind.DELETED, null, false)
					: null;
		}
	}

	/** The wait for another write of this registry is bounded as the store bounds its own. */
	private KeyedLocks.Held lock(String uniqueId) {
		Duration timeout = this.store.getLockTimeout();
		try {
			KeyedLocks.Held held = this.writers.tryLock(uniqueId, timeout);
			if (held == null) {
				throw new PluginConfigBusyException(uniqueId, timeout, null);
			}
			return held;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException(
					new InterruptedIOException("Interrupted while waiting for the lock of plugin '" + uniqueId + "'"));
		}
	}

	/** {@return how many plugins something is kept of: a revision, a write a refresh may need, a lock} */
	int size() {
		return this.revisions.size() + this.recentWrites.size() + this.writers.size();
	}

	private @Nullable String put(String uniqueId, @Nullable String revision) {
		return (revision != null) ? this.revisions.put(uniqueId, revision) : this.revisions.remove(uniqueId);
	}

}
