package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.unifiedplugins.config.PluginConfigStore;

/**
 * The unique ids that have a stored configuration: the one place a plugin's
 * {@code configured} flag comes from. Writes through the registry keep it current;
 * {@link #refresh()} re-reads it from the store.
 */
final class ConfiguredIds {

	private static final System.Logger logger = System.getLogger(UnifiedPluginRegistry.class.getName());

	private static final int STRIPES = 64;

	private final PluginConfigStore store;

	private final Set<String> ids = ConcurrentHashMap.newKeySet();

	/** Read side: writes; write side: a refresh, which must not miss a write under way. */
	private final ReadWriteLock refreshLock = new ReentrantReadWriteLock();

	/** Serialize the writes of one plugin, so that its flag always matches its last write. */
	private final Object[] idLocks = new Object[STRIPES];

	ConfiguredIds(PluginConfigStore store) {
		this.store = store;
		for (int i = 0; i < STRIPES; i++) {
			this.idLocks[i] = new Object();
		}
	}

	boolean contains(String uniqueId) {
		return this.ids.contains(uniqueId);
	}

	/** Re-reads the stored ids: files added or removed behind the registry's back. */
	void refresh() {
		this.refreshLock.writeLock().lock();
		try {
			Set<String> stored = this.store.ids();
			this.ids.retainAll(stored);
			this.ids.addAll(stored);
		}
		finally {
			this.refreshLock.writeLock().unlock();
		}
	}

	/**
	 * Runs a save ({@code configured} true) or a delete of one plugin's configuration and
	 * records its outcome.
	 * @return false when the store failed with an I/O error, which is logged
	 */
	boolean write(String uniqueId, boolean configured, Runnable write) {
		this.refreshLock.readLock().lock();
		try {
			synchronized (this.idLocks[Math.floorMod(uniqueId.hashCode(), STRIPES)]) {
				try {
					write.run();
				}
				catch (UncheckedIOException ex) {
					logger.log(System.Logger.Level.WARNING, "Could not " + (configured ? "save" : "delete")
							+ " the configuration of plugin '" + uniqueId + "'; the previous one is unchanged", ex);
					return false;
				}
				if (configured) {
					this.ids.add(uniqueId);
				}
				else {
					this.ids.remove(uniqueId);
				}
				return true;
			}
		}
		finally {
			this.refreshLock.readLock().unlock();
		}
	}

}
